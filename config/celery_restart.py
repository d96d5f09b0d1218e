"""A fix for Celery's consumer restarting after its broker connection dropped (Celery
5.7.0, the latest release): the worker died restarting Gossip.

On a lost connection the consumer closes the connection and forgets it
(`Consumer.on_connection_error_after_connected` sets `c.connection = None`), then
restarts its bootsteps. Stopping a `ConsumerStep` (Gossip is the only one) cancels its
consumers and closes their channels inside `ignore_errors(c.connection, ...)`: when one
of those calls fails, as it does against a broker that is gone, `ignore_errors` reads
`None.connection_errors` and raises
`AttributeError: 'NoneType' object has no attribute 'connection_errors'`, which is not
a connection error, so the worker stopped. It only shows when the cancel or the close
fails, so it came and went with timing (the fault soak under load). Upstream:
celery/kombu#582 is the same restart of Gossip failing on a transport already gone.

Our workers run without gossip and mingle (`make worker`, `make run`; nothing of ours
uses them: health is a heartbeat task, remote control still answers `inspect ping`), so
the step is not even there. `patch()` makes every worker safe all the same, however it
is started: with the connection gone, the errors ignored are the consumer's own (the
same transport's connection and channel errors), as Celery's Events step already does.
Applied by config/celery.py on import.
"""

from __future__ import annotations

from celery import bootsteps
from kombu.common import ignore_errors

_original_close = bootsteps.ConsumerStep._close


def _close(self, c, cancel_consumers: bool = True) -> None:
    if c.connection is not None:
        return _original_close(self, c, cancel_consumers)
    channels = set()
    for consumer in self.consumers or []:
        if cancel_consumers:
            ignore_errors(c, consumer.cancel)
        if consumer.channel:
            channels.add(consumer.channel)
    for channel in channels:
        ignore_errors(c, channel.close)
    return None


def patch() -> None:
    bootsteps.ConsumerStep._close = _close
