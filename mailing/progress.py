"""Progress of a send: sent, left, rate and time to finish, for the command's output."""

import time
from dataclasses import dataclass, field

from mailing.claims import count_left


@dataclass
class Progress:
    """Counts messages sent since `started`; `line()` says where the send stands."""

    sent: int = 0
    started: float = field(default_factory=time.monotonic)
    every: float = 2.0
    _last: float = 0.0

    def due(self) -> bool:
        """True at most once every `every` seconds: a progress line costs a COUNT."""
        now = time.monotonic()
        if now - self._last < self.every:
            return False
        self._last = now
        return True

    def line(self, *, sent: int | None = None) -> str:
        if sent is not None:
            self.sent = sent
        left = count_left()
        elapsed = max(time.monotonic() - self.started, 1e-9)
        rate = self.sent / elapsed
        eta = f"{left / rate:.0f} s" if rate > 0 else "unknown"
        return f"progress: sent {self.sent}, left {left}, {rate:.1f} msg/s, ETA {eta}"
