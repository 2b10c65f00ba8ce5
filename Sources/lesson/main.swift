import Demos
import LessonCommandLine
import LessonRunner

// First thing: in a cell's child this runs the demo and exits.
LessonTool.main(demos: .builtIn)
