"""One window per store: a second start on the same store is told at once, not let in.

A ``QLockFile`` beside the store (``<db>.instance.lock``) holds the process id; Qt removes a
lock whose process has died, so a crash never locks the user out.
"""

from pathlib import Path

from PySide6.QtCore import QLockFile

from inspector.errors import UserError


class StoreInUse(UserError):
    """The store is already open in another window of this program."""


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".instance.lock")


def claim(db_path: Path) -> QLockFile | None:
    """Hold the store for this process; raises ``StoreInUse`` if another window has it.

    Returns None when the folder is missing or cannot be written: ``open_store`` then says
    exactly that, in its own words.
    """
    if not db_path.parent.is_dir():
        return None
    lock = QLockFile(str(lock_path(db_path)))
    lock.setStaleLockTime(0)  # only a dead process frees it, never age
    if lock.tryLock(0):
        return lock
    if lock.error() == QLockFile.LockError.LockFailedError:
        info = lock.getLockInfo()
        pid = info[0] if isinstance(info, tuple) and info else 0
        raise StoreInUse(
            f"数据库 {db_path} 已在本程序的另一个窗口中打开"
            + (f"（进程号 {pid}）" if pid else "")
            + "。请切换到那个窗口继续工作；同一份数据不能同时在两个窗口中修改。"
        )
    return None  # permission problem: open_store names it
