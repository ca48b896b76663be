"""A progress bar for management commands that work through many rows."""

WIDTH = 30


def progress_bar(stream, total):
    """Return progress(done): draws *done* of *total* rows as a bar on *stream*.

    *stream* is a command's stderr (an OutputWrapper), so the bar never mixes
    with what the command writes to standard output.
    """

    def progress(done):
        filled = WIDTH * done // total if total else WIDTH
        bar = "#" * filled + "." * (WIDTH - filled)
        end = "\n" if done >= total else ""
        stream.write(f"\r[{bar}] {done:,}/{total:,} rows", style_func=str, ending=end)
        stream.flush()

    return progress
