import CLinuxShims
#if canImport(Glibc)
import Glibc
#endif

/// The mount namespaces a cell server lends its cells: each cell joins one and mounts the `/proc` of its own PID
/// namespace over the one the cell before it mounted (`lx_enter_cell_mount_namespace`).
///
/// A namespace is lent to one running cell at a time, and retired after ``cellsPerNamespace`` cells. Ending a
/// mount namespace makes the kernel wait for an expedited RCU grace period, which interrupts every CPU and is taken
/// in turn by concurrent cells. With a namespace of its own per cell, `lesson check` ran 1,000 trivial cells a
/// second with one job and 1,500 with two; with namespaces lent, 1,600 and 2,600 (BENCHMARKS.md).
///
/// Within one namespace, a cell sees only its own `/proc` (the earlier ones lie under it, of PID namespaces that
/// have ended), and all mounts are private: nothing a cell mounts reaches the host. A cell run by a root runner
/// could mount something that the next cells of the same namespace would see; cells run by another user cannot
/// mount at all.
package struct CellMountNamespaces {
    /// How many cells use a namespace before it is retired: how many `/proc` mounts lie on one another at most.
    package static let cellsPerNamespace = 32

    /// A namespace lent to a cell.
    struct Lease {
        fileprivate var descriptor: Int32
        fileprivate var uses: Int

        /// The descriptor the cell joins.
        var namespace: Int32 { descriptor }
    }

    private let ownNamespace: Int32
    private var canMake: Bool
    private var idle: [Lease] = []

    /// A pool for this process, which stays in its own mount namespace.
    init() {
        ownNamespace = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC)
        canMake = ownNamespace >= 0
    }

    /// A namespace for the next cell, or nil when this process cannot make one (the cell then makes a namespace
    /// of its own, as before).
    mutating func lend() -> Lease? {
        if let lease = idle.popLast() { return lease }
        guard canMake else { return nil }
        let made = lx_make_cell_mount_namespace(ownNamespace)
        guard made >= 0 else {
            canMake = false
            return nil
        }
        return Lease(descriptor: made, uses: 0)
    }

    /// Takes back a namespace whose cell has ended (or never started): lent again, or retired after its
    /// ``cellsPerNamespace``-th cell.
    mutating func giveBack(_ lease: Lease?, used: Bool) {
        guard var lease else { return }
        if used { lease.uses += 1 }
        if lease.uses >= Self.cellsPerNamespace {
            close(lease.descriptor)
        } else {
            idle.append(lease)
        }
    }
}
