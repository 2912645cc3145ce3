"""The commands that make the site: build (through MkDocs), generate (the pages, for any engine), serve (a preview).

They live on the output side, which they drive; cli.py parses their options and calls one of them."""

from __future__ import annotations

import os

import click

from ..commands.common import Failed, UserError, no_blueprints, problem_lines, read_settings, tell

__all__ = ["build", "generate", "serve"]


def build(blueprints_dir: str | None, config_file: str | None, out_dir: str, strict: bool, quiet: bool,
          engine: str = "auto") -> None:
    """The site built into `out_dir`, swapped in only when the whole build succeeds; else it stops (exit 1)."""
    from ..progress import Progress
    from .generate import BlueprintsInvalid
    from .mkdocs import build_site
    from .publish import SiteError

    engine = _engine(engine)
    config_file = _mkdocs_yml(config_file)
    settings = read_settings(config_file)
    folder = _blueprint_folder(blueprints_dir or settings.blueprints_dir)
    progress = Progress(quiet=quiet)
    _log_mkdocs(engine)
    loaded, count = _validated(folder, settings, config_file, out_dir, strict, progress)
    if strict:
        _stop_on_gated_findings(loaded, settings, out_dir)
    try:
        warnings = build_site(config_file, blueprints_dir, out_dir, strict=strict, loaded=loaded, progress=progress)
    except (BlueprintsInvalid, SiteError) as error:
        kept = f"; {out_dir}/ left as it was" if getattr(error, "kept", True) else ""
        raise Failed(*problem_lines(getattr(error, "problems", [error])), "build stopped" + kept) from None
    except KeyboardInterrupt:   # Ctrl-C or SIGTERM, before the new site was swapped in
        _stopping_quietly()
        raise Failed(f"build stopped (interrupted); {out_dir}/ left as it was") from None
    for warning in warnings:
        tell(f"warning: {warning}")
    if not quiet:
        tell(f"site built in {out_dir}/ from {count} blueprint(s)")


def _validated(folder: str, settings, config_file: str | None, out_dir: str, strict: bool, progress):
    """(the survey of the blueprint files, or None when the same files were valid last time; how many there are).

    A file whose bytes were loaded before is not loaded again (see survey): the build takes the survey."""
    from .cache.build import inputs_key, known_valid, remember_valid
    from .cache.folder import cache_folder
    from .survey import relative, survey

    cache = cache_folder()
    # Files whose bytes loaded without a problem last time need not be looked at before the build:
    # when the site's pages are kept too (sitecache), nothing is loaded at all.
    key = None if strict or cache is None else inputs_key(folder, settings, "valid")
    count = known_valid(cache, key[1]) if key else None
    if count is not None:   # the same bytes were valid before
        progress("blueprints validated", count, count)
        return None, count
    root = os.path.dirname(os.path.abspath(config_file or "mkdocs.yml"))   # as the plugin takes it
    found = survey(relative(os.path.abspath(folder), os.getcwd()), settings, root, cache)
    count = len(found.items)
    progress("blueprints validated", count, count)
    if not count and not found.problems:
        raise no_blueprints([folder])
    if found.problems:
        raise Failed(*problem_lines(found.problems),
                     f"build stopped: {len(found.problems)} error(s); {out_dir}/ left as it was")
    if key:
        remember_valid(cache, key[1], count)
    return found, count


def _stop_on_gated_findings(found, settings, out_dir: str) -> None:
    """--strict: the findings that fail the gate on stderr, and the build stopped (exit 1)."""
    from ..gate import gate_from_settings
    from ..report import fails, format_report

    gate = gate_from_settings(settings)
    analyses = [found.analysis(item) for item in found.items]
    if fails(analyses, [], settings.fail_on, gate):
        click.echo(format_report(analyses, [], "text", gate), err=True, nl=False)
        raise Failed(f"build stopped (--strict): findings that fail the gate ({settings.gate} blueprints at or "
                     f"above {settings.fail_on}); {out_dir}/ left as it was")


def generate(blueprints_dir: str | None, config_file: str | None, out_dir: str) -> None:
    """The pages, diagrams and assets written into `out_dir`, replaced only when all were written."""
    from .cache.folder import cache_folder
    from .export import ExportError, export_pages
    from .survey import relative, survey
    from .othernav import config_for_nav, nav_advice

    settings = read_settings(_mkdocs_yml(config_file))
    folder = _blueprint_folder(blueprints_dir or settings.blueprints_dir)
    # The same survey the pages are made from (see survey): a file loaded before is not loaded again.
    loaded = survey(relative(os.path.abspath(folder), os.getcwd()), settings, os.getcwd(), cache_folder())
    if loaded.problems:
        raise Failed(*problem_lines(loaded.problems),
                     f"generate stopped: {len(loaded.problems)} error(s); {out_dir}/ left as it was")
    _log_mkdocs("mkdocs")
    try:
        count, pages, index = export_pages(settings, folder, out_dir, loaded=loaded)
    except ExportError as error:
        raise Failed(*problem_lines([f"error: {error}"]), f"generate stopped; {out_dir}/ left as it was") from None
    except KeyboardInterrupt:   # Ctrl-C or SIGTERM, before the new pages were swapped in
        _stopping_quietly()
        raise Failed(f"generate stopped (interrupted); {out_dir}/ left as it was") from None
    tell(f"{count} files written to {out_dir}/ from {len(loaded.items)} blueprint(s)")
    for line in nav_advice(config_for_nav(config_file), out_dir, pages, index):
        tell(line)


def serve(blueprints_dir: str | None, config_file: str | None, address: str, engine: str = "auto") -> None:
    """The live preview on `address`, until stopped; an address that cannot be served on is a usage error."""
    import errno
    import logging
    import socket

    from .engine import logger_names
    from .mkdocs import serve_site

    engine = _engine(engine)
    config_file = _mkdocs_yml(config_file)
    # as build says it, instead of MkDocs' "Aborted with a BuildError!"
    folder = _blueprint_folder(blueprints_dir or read_settings(config_file).blueprints_dir)
    try:   # the preview's config names the folder, and a config is UTF-8 text
        os.path.abspath(folder).encode("utf-8")
    except UnicodeEncodeError:
        raise click.UsageError(f"the folder name {folder!r} is not valid UTF-8; rename the folder") from None
    _log_mkdocs(engine)
    for name in logger_names(engine):
        logging.getLogger(name).setLevel(logging.INFO)
    try:
        serve_site(config_file, blueprints_dir, address)
    except OSError as error:
        # The address, not a fault of ours: in use by another preview, a name that does not resolve.
        if not isinstance(error, socket.gaierror) and error.errno not in (
                errno.EADDRINUSE, errno.EADDRNOTAVAIL, errno.EACCES):
            raise
        reason = error.strerror or str(error)
        raise click.UsageError(f"cannot serve on {address}: {reason}; choose another address with -a, "
                               "e.g. -a 127.0.0.1:8001, or stop what is using it") from None


def _engine(wanted: str) -> str:
    """The engine this run drives (see engine.choose), made the one `mkdocs.*` imports get; else one line
    saying what to install (exit 2), instead of a traceback from deep inside another MkDocs."""
    from .engine import EngineError, activate, choose

    try:
        engine = choose(wanted)
        activate(engine)
    except EngineError as error:
        raise UserError(str(error)) from None
    return engine


def _mkdocs_yml(config_file: str | None) -> str | None:
    """The config given, or ./mkdocs.yml when there is one."""
    return config_file or ("mkdocs.yml" if os.path.isfile("mkdocs.yml") else None)


def _blueprint_folder(folder: str) -> str:
    if not os.path.isdir(folder):
        raise click.UsageError(f"there is no {folder}/ folder; give the blueprint folder with --blueprints")
    return folder


def _log_mkdocs(engine: str) -> None:
    """Show the engine's warnings (and our plugin's) on stderr, one plain line each."""
    import logging

    from .engine import logger_names

    class StderrHandler(logging.Handler):
        # Finds stderr when it writes, not when it is made: it may have been swapped since.
        def emit(self, record):
            tell(self.format(record))

    handler = StderrHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    handler._blueprintgen = True
    for name in logger_names(engine):   # the engine's and the plugin's (ours outside it: see commands.common)
        logger = logging.getLogger(name)
        if not any(getattr(h, "_blueprintgen", False) for h in logger.handlers):
            logger.addHandler(handler)
        logger.setLevel(logging.WARNING)


def _stopping_quietly() -> None:
    """The run is stopped and cleaned up: a second Ctrl-C while Python shuts down would only print
    "Exception ignored in …" noise, so once the exit begins (atexit, before logging's own
    shutdown) further ones are ignored. A caller that goes on (a test runner) is not affected."""
    import atexit

    atexit.unregister(_ignore_interrupts)
    atexit.register(_ignore_interrupts)


def _ignore_interrupts() -> None:
    import signal

    if signal.getsignal(signal.SIGINT) is not None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
