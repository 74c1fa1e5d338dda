"""The ``giamngheo`` command. Heavy imports (chat SDKs, the app) happen inside commands."""

from __future__ import annotations

import json
import sys

import typer

cli = typer.Typer(add_completion=False, no_args_is_help=False,
                  help="giamngheo-bot: trợ lý giảm nghèo Ninh Thuận "
                  "(Ninh Thuận poverty-reduction bot)")


@cli.callback(invoke_without_command=True)
def _default(ctx: typer.Context) -> None:
    """Without a command, start the terminal chat."""
    if ctx.invoked_subcommand is None:
        chat(user="nguoidan-demo", json_mode=False)


@cli.command()
def chat(
    user: str = typer.Option("nguoidan-demo", "--user", help="who you are: nguoidan-demo, "
                             "ctv-demo, canbo-demo, admin-demo, or any new name (a citizen)"),
    json_mode: bool = typer.Option(False, "--json", help="one JSON object a reply"),
) -> None:
    """Chat with the bot in this terminal (scripted when standard input is a pipe)."""
    from bot.bootstrap import build_app
    from bot.channels.terminal import Terminal

    terminal = Terminal(build_app(), user, json_mode)
    if sys.stdin.isatty():
        terminal.interactive()
    else:
        terminal.scripted(sys.stdin)


def main() -> None:
    cli()


@cli.command()
def ask(
    question: str | None = typer.Argument(None, help="the question; without it, one a line "
                                          "from standard input"),
    json_mode: bool = typer.Option(False, "--json", help="one JSON object a question"),
    k: int = typer.Option(3, "-k", min=1, max=20, help="how many answers at most"),
) -> None:
    """Answer citizens' questions from the plan's knowledge base."""
    from knowledge.search import KnowledgeBase

    kb = KnowledgeBase.load()
    questions = [question] if question is not None else (line.rstrip("\n") for line in sys.stdin)
    for q in questions:
        result = kb.search(q, k=k)
        answers = [{"section": a.section, "title": a.title, "score": round(a.score, 4),
                    "text": a.text, "agency": a.agency} for a in result.answers]
        if json_mode:
            obj = {"question": q, "confident": result.confident, "answers": answers,
                   "verdict": result.verdict.value, "office": result.office}
            typer.echo(json.dumps(obj, ensure_ascii=False))
            continue
        typer.echo(f"? {q}\n  ({result.verdict.value}"
                   + (f"; {result.office}" if result.office else "") + ")\n")
        for a in answers:
            typer.echo(f"  [{a['section']}] {a['title']} ({a['score']:.2f})\n  {a['text']}\n")


@cli.command()
def assess(
    json_mode: bool = typer.Option(False, "--json", help="one JSON object a line"),
) -> None:
    """Classify household profiles (JSON, one a line) by the poverty standard of the line's
    "year" (the review year; default: the current year)."""
    from bot.base.clock import local, utcnow
    from knowledge.poverty import assess_json_line

    this_year = local(utcnow()).year
    failed = False
    for line in sys.stdin:
        if not line.strip():
            continue
        result = assess_json_line(line, year=this_year)
        failed |= "error" in result
        if json_mode or "error" in result:
            typer.echo(json.dumps(result, ensure_ascii=False))
        else:
            typer.echo(f"{result['status']} ({result['year']}, {result['standard']}"
                       f"{'' if result['confirmed'] else ', partly unconfirmed'}): "
                       f"{result['deprived_count']} deprived "
                       f"({', '.join(result['deprived']) or '-'}); "
                       f"programmes {', '.join(result['programmes']) or '-'}")
    raise typer.Exit(1 if failed else 0)


@cli.command()
def invite(
    role: str = typer.Option("collaborator", "--role", help="collaborator, officer or admin"),
    area: str = typer.Option(..., "--area", help="area code (GSO code or a village's code)"),
    days: int = typer.Option(7, "--days", min=1, max=90, help="days before the code expires"),
) -> None:
    """Issue a single-use invite code (administrator). Prints the code and how to use it."""
    from bot.bootstrap import build_app
    from bot.cli_admin import issue_invite

    code, expires, problem = issue_invite(build_app().store, role, area, days)
    if problem:
        typer.echo(problem, err=True)
        raise typer.Exit(2)
    typer.echo(f"{code}\t/start {code}\thết hạn / expires {expires}")


@cli.command()
def run(
    channel: str = typer.Option("telegram", "--channel",
                                help="telegram (python-telegram-bot), telegram-aiogram, zalo"),
    webhook: str | None = typer.Option(None, "--webhook", help="public HTTPS URL; without it, "
                                       "long polling"),
    listen: str = typer.Option("127.0.0.1:8080", "--listen", help="host:port for the webhook"),
) -> None:
    """Run the bot on a messaging platform (token from GIAMNGHEO_TELEGRAM_TOKEN / _ZALO_TOKEN)."""
    from bot.channels.launch import launch

    launch(channel, webhook, listen)


@cli.command()
def web(
    listen: str = typer.Option("127.0.0.1:8090", "--listen", help="host:port to serve on "
                               "(behind a reverse proxy for HTTPS)"),
) -> None:
    """Serve the officers' web dashboard (sign in with /web in the chat)."""
    from bot.web.app import serve

    serve(listen)


@cli.command()
def updates(
    show: int | None = typer.Option(None, "--show", help="print one set-aside update as "
                                    "stored (it may hold what a person wrote)"),
    retry: int | None = typer.Option(None, "--retry", help="put a set-aside update back in "
                                     "line, once its cause is fixed"),
) -> None:
    """Platform updates set aside (the bot could not read them, or they kept failing)."""
    from bot.bootstrap import build_app
    from bot.cli_admin import set_aside_report

    lines, code = set_aside_report(build_app().store, show, retry)
    for line in lines:
        typer.echo(line)
    raise typer.Exit(code)


# Officers: reminders, the scheduler, exports -------------------------------------------------

@cli.command("scheduler")
def run_scheduler() -> None:
    """Plan reminders every minute, in the foreground (with several, only the leader ticks)."""
    from pathlib import Path

    from bot.bootstrap import build_app
    from scheduler.runner import run_forever

    app = build_app()
    settings = app.env.settings
    run_forever(app.store, app.env.calendar, settings.scheduler_interval_s,
                settings.retention_days, Path(settings.media_dir))


@cli.command()
def remind(
    dry_run: bool = typer.Option(False, "--dry-run", help="show who would be nudged and why; "
                                 "write nothing"),
    at: str | None = typer.Option(None, "--at", help="ISO date-time to look at (local time "
                                  "unless it has an offset); only with --dry-run"),
) -> None:
    """Plan the reminders due now (what the scheduler does every minute)."""
    from datetime import UTC, datetime

    from bot.base.clock import utcnow
    from bot.base.i18n import fmt_date, t
    from bot.base.messages import Lang
    from bot.bootstrap import build_app
    from scheduler.planner import dry_run as explain
    from scheduler.planner import tick

    app = build_app()
    cal = app.env.calendar
    if at is not None and not dry_run:
        typer.echo("--at needs --dry-run (reminders are only planned for now)", err=True)
        raise typer.Exit(2)
    try:
        moment = datetime.fromisoformat(at) if at else utcnow()
    except ValueError:
        typer.echo(f"--at: not an ISO date-time: {at!r}", err=True)
        raise typer.Exit(2) from None
    now = (moment if moment.tzinfo else moment.replace(tzinfo=cal.tz)).astimezone(UTC)
    store = app.store
    if not dry_run:
        typer.echo(t(Lang.VI, "officer.cli.queued", count=tick(store, cal, lambda: now)))
        return
    lines = explain(store, cal, now)
    typer.echo(t(Lang.VI, "officer.cli.header", when=fmt_date(now, Lang.VI), tz=cal.tz.key,
                 count=len(lines)) + " " + t(Lang.VI, "officer.cli.dry_run"))
    typer.echo("\n".join(lines) if lines else t(Lang.VI, "officer.cli.nothing"))


@cli.command()
def export(
    fmt: str = typer.Option("xlsx", "--format", help="xlsx (reports, households, who made it) "
                            "or csv (FILE, FILE-ho, FILE-info; UTF-8 with BOM)"),
    out: str = typer.Option(..., "--out", help="the file to write"),
    period: str | None = typer.Option(None, "--period", help="one month, YYYY-MM; default all"),
    area: str | None = typer.Option(None, "--area", help="area code; default the province"),
    full_names: bool = typer.Option(False, "--full-names", help="household heads' names as "
                                    "they are; by default they are masked (Nguyễn T. L.)"),
) -> None:
    """Export reports and the household register of an area (Vietnamese headers)."""
    from pathlib import Path

    from bot.base.clock import utcnow
    from bot.base.i18n import Tr
    from bot.base.messages import Lang
    from bot.bootstrap import build_app
    from handlers.export import FORMATS, PERIOD_RE, Made, export_area

    if fmt not in FORMATS or (period is not None and not PERIOD_RE.match(period)):
        typer.echo(f"--format is one of {', '.join(FORMATS)}; --period is YYYY-MM", err=True)
        raise typer.Exit(2)
    app = build_app()
    tr = Tr(Lang.VI)
    made = Made(tr("officer.about.cli"), utcnow())
    with app.store.session() as session:
        done = export_area(session, area, period, fmt, Path(out), tr, app.env.calendar,
                           full_names, made)
    if done is None:
        typer.echo(f"unknown area code {area!r}", err=True)
        raise typer.Exit(2)
    for path in done.paths:
        typer.echo(str(path))
    typer.echo(f"{done.reports} report rows, {done.households} households")


@cli.command()
def backup(
    file: str = typer.Argument(..., help="where to write the copy, e.g. "
                               "backups/giamngheo-2026-03-10.db"),
    force: bool = typer.Option(False, "--force", help="replace FILE if it exists"),
) -> None:
    """Copy the database consistently while the bot runs (SQLite; PostgreSQL: use pg_dump)."""
    from bot.base.settings import Settings
    from storage.backup import BackupError, backup_database

    try:
        done = backup_database(Settings().database_url, file, overwrite=force)
    except BackupError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(2) from None
    typer.echo(f"{done.target}\t{done.size_bytes} bytes, {done.tables} tables\t"
               f"from {done.source}")
