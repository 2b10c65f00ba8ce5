import CourseDemos
import DemoHosting

DemoHost.main(demos: .course)
