import DemoHosting
import Demos

// First thing: in a cell's child this runs the cell's demo, in a `spawn` child the requested function, and asked by
// `lesson` for its catalog it answers; each then exits.
DemoHost.main(demos: .builtIn)
