"""LocalLRU: keeps the most recently used entries, and stays whole under threads."""

import threading

from apps.core.memo import LocalLRU


def test_the_least_recently_used_entry_goes_first():
    memo = LocalLRU(2)
    memo.put("a", 1)
    memo.put("b", 2)
    assert memo.get("a") == 1  # "a" is now the most recent
    memo.put("c", 3)
    assert memo.get("b") is None and memo.get("a") == 1 and memo.get("c") == 3
    assert len(memo) == 2
    memo.clear()
    assert memo.get("a", "gone") == "gone" and len(memo) == 0


def test_threads_never_break_it_or_overfill_it():
    memo = LocalLRU(16)
    errors: list[Exception] = []

    def churn(offset: int) -> None:
        try:
            for n in range(3000):
                memo.put((offset, n % 40), n)
                memo.get((offset, (n + 7) % 40))
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=churn, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(memo) == 16
