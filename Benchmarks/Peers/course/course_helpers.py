"""Functions the course's start-method section runs in child processes.

With the spawn and forkserver start methods a child does not inherit the parent's memory: it imports the target
function by module and name. Functions defined in a notebook cell (or under a script's `if __name__ == '__main__':`)
live in `__main__`, which such a child cannot import, so those targets live here.
"""


def nothing():
    """A child process that starts, does nothing and exits."""
