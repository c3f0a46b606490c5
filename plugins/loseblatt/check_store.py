"""What the check worked out, kept on disk for the next build.

Every build checks the whole binder, and most of that work repeats: the text steps of each
sheet in each edition, the markup scan, the revision marks. Their results are pure functions
of the inputs their memos are keyed by (core/assemble.TextMemo, core/check_memo.py); kept here
after a check, a build in a new process takes them instead of working them out again. Only
what the last check used is kept, so the file is as large as the binder, and it is written
only when something was made or dropped. The key follows the one cache rule (caching.py): a
change to our code or to a library is a new key, and nothing older is read.
"""

from __future__ import annotations

import pickle
from pathlib import Path

from .caching import CacheFolder, cache_key
from .core import check_memo
from .core.assemble import TextMemo

OWNER = "pruefung"
FORMAT = 1


class CheckStore:
    def __init__(self, folder: Path):
        self.folder = CacheFolder(folder)
        self.key = cache_key("pruefung", FORMAT)

    def load(self, memo: TextMemo) -> bool:
        """Add what the last build's check kept to `memo` and the check's memos; False when
        there is nothing (or nothing readable) for this code."""
        data = self.folder.read(self.key, ".pickle")
        if data is None:
            return False
        try:
            texts, memos = pickle.loads(data)  # noqa: S301 - our own cache folder, entry checked against its key
            memo.add(texts)
            check_memo.add_lasting(memos)
        except (EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError, ValueError):
            return False
        memo.kept()
        check_memo.kept()
        return True

    def save(self, memo: TextMemo) -> bool:
        """Keep what the check just used, if anything changed; True when written."""
        if not (memo.changed or check_memo.lasting_changed()):
            return False
        try:
            data = pickle.dumps((memo.state(), check_memo.lasting_entries()), protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, TypeError, AttributeError):
            return False  # something in it cannot be kept: the next build works it out
        self.folder.write(self.key, ".pickle", data)
        self.folder.record(OWNER, [self.key])
        self.folder.prune({OWNER})  # entries of older code
        memo.kept()
        check_memo.kept()
        return True
