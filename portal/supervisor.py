"""Run a few child processes together and stop them together (the demo's web, worker and beat).

Each child gets its own session, so Ctrl-C reaches only the supervisor, which then stops every
child in a known order: first a polite SIGTERM, then SIGKILL for any still running after a grace
period. When one child exits on its own, the others are stopped too: a demo whose worker died
would otherwise look healthy while no job ever ran.
"""

import signal
import subprocess
import time
from dataclasses import dataclass, field


class Stop(Exception):
    """Raised in the supervisor by SIGTERM, so it stops its children as it does on Ctrl-C."""


@dataclass
class Child:
    name: str
    argv: list[str]
    process: subprocess.Popen | None = field(default=None, repr=False)

    def start(self, *, cwd, env) -> None:
        self.process = subprocess.Popen(  # noqa: S603 # nosec B603 # our own fixed command lines
            self.argv, cwd=cwd, env=env, start_new_session=True
        )

    def exited(self) -> int | None:
        return self.process.poll() if self.process else None


def supervise(children: list[Child], *, cwd, env, poll_seconds: float = 0.5, say=print) -> str:
    """Start `children`; return once one exits or the supervisor is interrupted; stop them all.

    Returns why it stopped, for the caller to print: which child exited with which code, or
    that it was interrupted.
    """
    previous = signal.signal(signal.SIGTERM, _raise_stop)
    try:
        for child in children:
            child.start(cwd=cwd, env=env)
            say(f"started {child.name} (process {child.process.pid})")
        return _wait_for_first_exit(children, poll_seconds)
    except (KeyboardInterrupt, Stop):
        return "interrupted"
    finally:
        stop_all(children)
        signal.signal(signal.SIGTERM, previous)


def _wait_for_first_exit(children, poll_seconds) -> str:
    while True:
        for child in children:
            code = child.exited()
            if code is not None:
                return f"{child.name} exited with code {code}"
        time.sleep(poll_seconds)


def stop_all(children: list[Child], *, grace_seconds: float = 15) -> None:
    """SIGTERM every running child (a Celery worker finishes its current task first), then
    SIGKILL whatever is still running after `grace_seconds`."""
    running = [c.process for c in children if c.process is not None and c.process.poll() is None]
    for process in running:
        process.terminate()
    deadline = time.monotonic() + grace_seconds
    for process in running:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _raise_stop(signum, frame):
    raise Stop()
