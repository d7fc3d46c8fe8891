"""A cache-based limit on account-activation attempts.

Activation proves identity with three facts a stranger may partly know (an employer has all
three), so guessing must be slow. Failures are counted per client address and per NIK tried,
each for a fixed window: a single address cannot sweep many NIKs, and many addresses cannot
hammer one NIK. The cache is Redis in production (shared by every web node) and local memory
on the embedded default.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from participants.models import Participant

DEFAULT_LIMIT = 5
DEFAULT_WINDOW_SECONDS = 60 * 60


@dataclass(frozen=True)
class ActivationThrottle:
    limit: int
    window_seconds: int

    @classmethod
    def from_settings(cls) -> "ActivationThrottle":
        return cls(
            limit=getattr(settings, "PORTAL_ACTIVATION_LIMIT", DEFAULT_LIMIT),
            window_seconds=getattr(settings, "PORTAL_ACTIVATION_WINDOW", DEFAULT_WINDOW_SECONDS),
        )

    @staticmethod
    def _nik_key(nik: str) -> str:
        # The NIK is never a cache key in clear: the blind index stands in for it.
        return f"portal:activation:nik:{Participant.index_for(nik)}"

    @classmethod
    def keys(cls, *, nik: str, ip_address: str) -> list[str]:
        return [f"portal:activation:ip:{ip_address}", cls._nik_key(nik)]

    def blocked(self, *, nik: str, ip_address: str) -> bool:
        counts = cache.get_many(self.keys(nik=nik, ip_address=ip_address))
        return any(count >= self.limit for count in counts.values())

    def record_failure(self, *, nik: str, ip_address: str) -> None:
        for key in self.keys(nik=nik, ip_address=ip_address):
            # add() starts the window on the first failure; incr() never extends it.
            if not cache.add(key, 1, timeout=self.window_seconds):
                try:
                    cache.incr(key)
                except ValueError:
                    cache.add(key, 1, timeout=self.window_seconds)

    def reset_identity(self, *, nik: str) -> None:
        """Forget the failures against a NIK once its owner proved it (the address keeps its)."""
        cache.delete(self._nik_key(nik))
