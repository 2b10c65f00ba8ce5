#if canImport(Glibc)
import Glibc
#endif
import CLinuxShims
import SystemPackage

/// Turns a ``SpawnConfiguration`` into a `posix_spawn` call and a ``ChildProcess``.
enum PosixSpawn {
    /// One descriptor the child gets: `source` in this process becomes `target` in the child.
    private struct Mapping {
        var source: Int32
        var target: Int32
    }

    static func spawn(_ configuration: SpawnConfiguration) throws(SpawnError) -> ChildProcess {
        let executable = configuration.executable.string
        let arguments = [configuration.argument0 ?? executable] + configuration.arguments
        for argument in arguments where argument.utf8.contains(0) {
            throw SpawnError(.invalidConfiguration, "an argument of \(executable) contains a NUL byte")
        }
        for (name, value) in configuration.environment
        where name.isEmpty || name.utf8.contains(UInt8(ascii: "=")) || name.utf8.contains(0) || value.utf8.contains(0) {
            throw SpawnError(.invalidConfiguration, "invalid environment variable name or value for \(name)")
        }
        let environment = configuration.environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }

        let argv = CStringArray(arguments)
        defer { argv.free() }
        let envp = CStringArray(environment)
        defer { envp.free() }

        // Pipes: both ends are close-on-exec, so no concurrently spawned child inherits them. The child's ends
        // are closed here once the child has its duplicates; the parent's ends go to the ChildProcess.
        var parentEnds: [FileDescriptor?] = [nil, nil, nil]
        var childEnds: [FileDescriptor] = []
        var succeeded = false
        defer {
            for descriptor in childEnds { _close(descriptor) }
            if !succeeded {
                for case let descriptor? in parentEnds { _close(descriptor) }
            }
        }

        var mappings: [Mapping] = []
        var nullTargets: [Int32] = []
        let standard = [configuration.standardInput, configuration.standardOutput, configuration.standardError]
        for (target, io) in standard.enumerated() {
            let target = Int32(target)
            switch io {
            case .inherit:
                break
            case .devNull:
                nullTargets.append(target)
            case .pipe:
                switch _pipe() {
                case .success(let (readEnd, writeEnd)):
                    let (parentEnd, childEnd) = target == 0 ? (writeEnd, readEnd) : (readEnd, writeEnd)
                    parentEnds[Int(target)] = parentEnd
                    childEnds.append(childEnd)
                    mappings.append(Mapping(source: childEnd.rawValue, target: target))
                case .failure(let error):
                    throw SpawnError(.pipeFailed, "cannot make a pipe for \(executable)", underlyingError: error)
                }
            case .descriptor(let descriptor):
                mappings.append(Mapping(source: descriptor.rawValue, target: target))
            }
        }
        for (index, descriptor) in configuration.inheritedDescriptors.enumerated() {
            mappings.append(Mapping(source: descriptor.rawValue, target: 3 + Int32(index)))
        }
        let firstClosed = 3 + Int32(configuration.inheritedDescriptors.count)

        var actions = posix_spawn_file_actions_t()
        try check(posix_spawn_file_actions_init(&actions), executable)
        defer { posix_spawn_file_actions_destroy(&actions) }

        if mappings.allSatisfy({ $0.source >= firstClosed }) {
            // No source is also a target: duplicate straight away.
            for mapping in mappings {
                try check(posix_spawn_file_actions_adddup2(&actions, mapping.source, mapping.target), executable)
            }
        } else {
            // Some source would be overwritten by an earlier duplication (or is its own target, which dup2
            // would leave close-on-exec): move every source above all sources and targets first. The
            // temporaries are closed with the rest by closefrom.
            let base = max(firstClosed, (mappings.map(\.source).max() ?? 0) + 1)
            for (index, mapping) in mappings.enumerated() {
                try check(posix_spawn_file_actions_adddup2(&actions, mapping.source, base + Int32(index)), executable)
            }
            for (index, mapping) in mappings.enumerated() {
                try check(posix_spawn_file_actions_adddup2(&actions, base + Int32(index), mapping.target), executable)
            }
        }
        for target in nullTargets {
            let flags = target == 0 ? O_RDONLY : O_WRONLY
            try check(posix_spawn_file_actions_addopen(&actions, target, "/dev/null", flags, 0), executable)
        }
        try check(lx_spawn_file_actions_addclosefrom(&actions, firstClosed), executable)
        if let directory = configuration.workingDirectory {
            try check(directory.withPlatformString { lx_spawn_file_actions_addchdir(&actions, $0) }, executable)
        }

        var attributes = posix_spawnattr_t()
        try check(posix_spawnattr_init(&attributes), executable)
        defer { posix_spawnattr_destroy(&attributes) }
        var flags = lx_spawn_setsigmask | lx_spawn_setsigdef
        switch configuration.processGroup {
        case .inherit:
            break
        case .newGroup:
            flags |= lx_spawn_setpgroup
            try check(posix_spawnattr_setpgroup(&attributes, 0), executable)
        case .newSession:
            flags |= lx_spawn_setsid
        }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        try check(posix_spawnattr_setsigmask(&attributes, &noSignals), executable)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        try check(posix_spawnattr_setsigdefault(&attributes, &allSignals), executable)
        try check(posix_spawnattr_setflags(&attributes, flags), executable)

        // Registering under the same lock as the spawn keeps the zombie sweeper from ever seeing the new child
        // as unregistered.
        let spawned: Result<Int32, Errno> = ChildRegistry.children.withLock { children in
            var pid: pid_t = 0
            let result = configuration.executable.withPlatformString { path in
                posix_spawn(&pid, path, &actions, &attributes, argv.pointers, envp.pointers)
            }
            if result != 0 { return .failure(Errno(rawValue: result)) }
            children.insert(pid)
            return .success(pid)
        }
        let pid: Int32
        switch spawned {
        case .success(let value):
            pid = value
        case .failure(let error):
            throw SpawnError(.spawnFailed, "cannot spawn \(executable)", underlyingError: error)
        }

        let processDescriptor: FileDescriptor
        switch _pidfdOpen(pid) {
        case .success(let descriptor):
            processDescriptor = descriptor
        case .failure(let error):
            // The child is registered and not reaped, so its pid is still its own.
            _ = _kill(pid, .kill)
            _ = ChildRegistry.reapBlocking(pid)
            throw SpawnError(.processDescriptorFailed, "cannot open a pidfd for \(executable) (process \(pid))",
                             underlyingError: error)
        }
        succeeded = true
        let group: ProcessID? = configuration.processGroup == .inherit ? nil : ProcessID(rawValue: pid)
        return ChildProcess(
            id: ProcessID(rawValue: pid), processGroup: group, processDescriptor: processDescriptor,
            standardInput: parentEnds[0], standardOutput: parentEnds[1], standardError: parentEnds[2]
        )
    }

    /// Turns the result of a `posix_spawn*` setup call into an error; `EINVAL` can only be a bug here.
    private static func check(_ result: Int32, _ executable: String) throws(SpawnError) {
        if result == 0 { return }
        let error = Errno(rawValue: result == -1 ? errno : result)
        precondition(error != .invalidArgument && error != .badFileDescriptor, "posix_spawn setup: \(error)")
        throw SpawnError(.spawnFailed, "cannot prepare to spawn \(executable)", underlyingError: error)
    }
}

/// A NUL-terminated array of C strings, as `argv` and `envp`, freed explicitly.
private struct CStringArray {
    let pointers: [UnsafeMutablePointer<CChar>?]

    init(_ strings: [String]) {
        pointers = strings.map { strdup($0) } + [nil]
    }

    func free() {
        for case let pointer? in pointers { Glibc.free(pointer) }
    }
}
