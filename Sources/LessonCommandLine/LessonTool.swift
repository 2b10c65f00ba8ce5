public enum LessonTool {}
