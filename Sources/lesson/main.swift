import LessonCommandLine

// The tool alone: cells run in the demo host (`lesson-demos` beside this executable, --demos PATH or LESSON_DEMOS).
LessonTool.main()
