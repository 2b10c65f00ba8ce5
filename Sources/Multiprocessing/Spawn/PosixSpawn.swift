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

        // The duplications in order. Where some source would be overwritten by an earlier duplication (or is its
        // own target, which dup2 would leave close-on-exec), every source is first moved above all sources and
        // targets; the temporaries are closed with the rest by closefrom.
        var duplications: [Mapping] = []
        if mappings.allSatisfy({ $0.source >= firstClosed }) {
            duplications = mappings
        } else {
            let base = max(firstClosed, (mappings.map(\.source).max() ?? 0) + 1)
            for (index, mapping) in mappings.enumerated() {
                duplications.append(Mapping(source: mapping.source, target: base + Int32(index)))
            }
            for (index, mapping) in mappings.enumerated() {
                duplications.append(Mapping(source: base + Int32(index), target: mapping.target))
            }
        }

        let started: (pid: Int32, descriptor: FileDescriptor?)
        if configuration.newPIDNamespace {
            started = try spawnContained(
                configuration, argv: argv, envp: envp, duplications: duplications, nullTargets: nullTargets,
                firstClosed: firstClosed)
        } else {
            started = (try spawnWithPosixSpawn(
                configuration, argv: argv, envp: envp, duplications: duplications, nullTargets: nullTargets,
                firstClosed: firstClosed), nil)
        }
        let pid = started.pid

        let processDescriptor: FileDescriptor
        switch started.descriptor.map({ Result<FileDescriptor, Errno>.success($0) }) ?? _pidfdOpen(pid) {
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

    /// Starts the child with `posix_spawn` and registers it; returns its pid.
    private static func spawnWithPosixSpawn(
        _ configuration: SpawnConfiguration, argv: CStringArray, envp: CStringArray, duplications: [Mapping],
        nullTargets: [Int32], firstClosed: Int32
    ) throws(SpawnError) -> Int32 {
        let executable = configuration.executable.string
        var actions = posix_spawn_file_actions_t()
        try check(posix_spawn_file_actions_init(&actions), executable)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for mapping in duplications {
            try check(posix_spawn_file_actions_adddup2(&actions, mapping.source, mapping.target), executable)
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

        let spawned: Result<Int32, Errno> = ChildRegistry.spawn({
            var pid: pid_t = 0
            let result = configuration.executable.withPlatformString { path in
                posix_spawn(&pid, path, &actions, &attributes, argv.pointers, envp.pointers)
            }
            return result == 0 ? .success(pid) : .failure(Errno(rawValue: result))
        }, registering: { try? $0.get() })
        switch spawned {
        case .success(let pid):
            return pid
        case .failure(let error):
            throw SpawnError(.spawnFailed, "cannot spawn \(executable)", underlyingError: error)
        }
    }

    /// Starts the child as process 1 of a new PID namespace (``SpawnConfiguration/newPIDNamespace``) and
    /// registers it; returns its pid and pidfd.
    private static func spawnContained(
        _ configuration: SpawnConfiguration, argv: CStringArray, envp: CStringArray, duplications: [Mapping],
        nullTargets: [Int32], firstClosed: Int32
    ) throws(SpawnError) -> (pid: Int32, descriptor: FileDescriptor?) {
        let executable = configuration.executable.string
        let sources = duplications.map(\.source)
        let targets = duplications.map(\.target)
        // Without CAP_SYS_ADMIN a PID and mount namespace need a user namespace of their own to own them.
        let privileged = geteuid() == 0
        let outcome = ChildRegistry.spawn({ () -> (result: Int32, pid: pid_t, descriptor: Int32, step: Int32) in
            var pid: pid_t = 0
            var descriptor: Int32 = -1
            var step: Int32 = 0
            let result = configuration.executable.withPlatformString { path in
                configuration.workingDirectory.withOptionalPlatformString { directory in
                    sources.withUnsafeBufferPointer { sourceBuffer in
                        targets.withUnsafeBufferPointer { targetBuffer in
                            nullTargets.withUnsafeBufferPointer { nullBuffer in
                                argv.pointers.withUnsafeBufferPointer { argvBuffer in
                                    envp.pointers.withUnsafeBufferPointer { envpBuffer in
                                        var request = lx_contained_spawn(
                                            path: path, argv: argvBuffer.baseAddress, envp: envpBuffer.baseAddress,
                                            mapping_sources: sourceBuffer.baseAddress,
                                            mapping_targets: targetBuffer.baseAddress,
                                            mapping_count: Int32(duplications.count),
                                            null_targets: nullBuffer.baseAddress,
                                            null_count: Int32(nullTargets.count), first_closed: firstClosed,
                                            working_directory: directory,
                                            process_group: configuration.processGroup.containedSpawnValue,
                                            new_user_namespace: privileged ? 0 : 1, user_id: geteuid(),
                                            group_id: getegid(),
                                            map_to_root: configuration.rootOfItsUserNamespace ? 1 : 0)
                                        return lx_spawn_contained(&request, &pid, &descriptor, &step)
                                    }
                                }
                            }
                        }
                    }
                }
            }
            return (result, pid, descriptor, step)
        }, registering: { $0.result == 0 ? $0.pid : nil })
        if outcome.result == 0 {
            return (outcome.pid, FileDescriptor(rawValue: outcome.descriptor))
        }
        let error = Errno(rawValue: outcome.result)
        let namespaceStep: String? = switch Int(outcome.step) {
        case Int(LX_CONTAINED_STEP_CLONE): "the kernel refused a new PID namespace"
        case Int(LX_CONTAINED_STEP_USER_MAP): "cannot map ids in a new user namespace"
        case Int(LX_CONTAINED_STEP_MOUNT_PROC): "cannot mount /proc in a new PID namespace"
        default: nil
        }
        if let namespaceStep {
            throw SpawnError(.namespaceUnavailable, "\(namespaceStep) for \(executable)", underlyingError: error)
        }
        throw SpawnError(.spawnFailed, "cannot spawn \(executable)", underlyingError: error)
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

extension Optional where Wrapped == FilePath {
    /// Calls `body` with the path as a C string, or with `nil`.
    fileprivate func withOptionalPlatformString<Result>(
        _ body: (UnsafePointer<CChar>?) -> Result
    ) -> Result {
        switch self {
        case .some(let path): path.withPlatformString { body($0) }
        case .none: body(nil)
        }
    }
}
