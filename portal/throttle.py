"""Cache-based limits on account-activation attempts.

Activation proves identity with three facts a stranger may partly know (an employer has all
three), so guessing must be slow, but a stranger must not be able to shut the owner out.
Failures count in two ways, both keyed by the client address (``jkp_site.core.net.client_ip``):

- per address, for a fixed window (``PORTAL_ACTIVATION_LIMIT`` failures in
  ``PORTAL_ACTIVATION_WINDOW`` seconds): one address cannot sweep many NIKs;
- per (NIK, address): from the ``PORTAL_ACTIVATION_PAIR_THRESHOLD``th failure on, each failure
  locks that pair for ``PORTAL_ACTIVATION_PAIR_LOCK`` seconds, doubling up to
  ``PORTAL_ACTIVATION_PAIR_MAX_LOCK``; the count is remembered for a day.

Nothing is counted per NIK alone: the owner, from another address, is never refused because a
stranger tried their NIK. The NIK is never a cache key in clear (its blind index stands in).
The cache is Redis in production (shared by every web node) and local memory on the embedded
default.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from participants.models import Participant

log = logging.getLogger(__name__)

DEFAULT_LIMIT = 5
DEFAULT_WINDOW_SECONDS = 60 * 60
PAIR_MEMORY_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class ActivationThrottle:
    limit: int
    window_seconds: int
    pair_threshold: int = 3
    pair_lock_seconds: int = 60
    pair_max_lock_seconds: int = 60 * 60

    @classmethod
    def from_settings(cls) -> ActivationThrottle:
        return cls(
            limit=getattr(settings, "PORTAL_ACTIVATION_LIMIT", DEFAULT_LIMIT),
            window_seconds=getattr(settings, "PORTAL_ACTIVATION_WINDOW", DEFAULT_WINDOW_SECONDS),
            pair_threshold=getattr(settings, "PORTAL_ACTIVATION_PAIR_THRESHOLD", 3),
            pair_lock_seconds=getattr(settings, "PORTAL_ACTIVATION_PAIR_LOCK", 60),
            pair_max_lock_seconds=getattr(settings, "PORTAL_ACTIVATION_PAIR_MAX_LOCK", 60 * 60),
        )

    @staticmethod
    def _address_key(ip_address: str) -> str:
        return f"portal:activation:ip:{ip_address}"

    @staticmethod
    def _pair_key(nik: str, ip_address: str, part: str) -> str:
        return f"portal:activation:{part}:{Participant.index_for(nik)}:{ip_address}"

    def address_blocked(self, *, ip_address: str) -> bool:
        return (cache.get(self._address_key(ip_address)) or 0) >= self.limit

    def pair_wait_seconds(self, *, nik: str, ip_address: str) -> int:
        """Seconds before this NIK may be tried again from this address (0: now)."""
        until = cache.get(self._pair_key(nik, ip_address, "pairlock"))
        if not until:
            return 0
        return max(0, math.ceil(float(until) - time.time()))

    def blocked(self, *, nik: str, ip_address: str) -> bool:
        return self.address_blocked(ip_address=ip_address) or bool(
            self.pair_wait_seconds(nik=nik, ip_address=ip_address)
        )

    @staticmethod
    def _count(key: str, timeout: int) -> int:
        # add() starts the window on the first failure; incr() never extends it.
        if cache.add(key, 1, timeout=timeout):
            return 1
        try:
            return int(cache.incr(key))
        except ValueError:
            cache.add(key, 1, timeout=timeout)
            return 1

    def record_failure(self, *, nik: str, ip_address: str) -> None:
        self._count(self._address_key(ip_address), self.window_seconds)
        failures = self._count(self._pair_key(nik, ip_address, "pair"), PAIR_MEMORY_SECONDS)
        if failures >= self.pair_threshold:
            lock = min(
                self.pair_lock_seconds * 2 ** (failures - self.pair_threshold),
                self.pair_max_lock_seconds,
            )
            cache.set(self._pair_key(nik, ip_address, "pairlock"), time.time() + lock, lock)
            log.warning(
                "Portal activation: %d failures for one NIK from %s; locked for %d s",
                failures,
                ip_address,
                lock,
            )

    def reset_identity(self, *, nik: str, ip_address: str) -> None:
        """Forget the failures of a NIK from an address once its owner proved it there (the
        address keeps its own count)."""
        cache.delete_many(
            [self._pair_key(nik, ip_address, "pair"), self._pair_key(nik, ip_address, "pairlock")]
        )
