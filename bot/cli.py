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
            obj = {"question": q, "confident": result.confident, "answers": answers}
            typer.echo(json.dumps(obj, ensure_ascii=False))
            continue
        typer.echo(f"? {q}\n" + ("" if result.confident else "  (không chắc chắn / not sure)\n"))
        for a in answers:
            typer.echo(f"  [{a['section']}] {a['title']} ({a['score']:.2f})\n  {a['text']}\n")


@cli.command()
def assess(
    json_mode: bool = typer.Option(False, "--json", help="one JSON object a line"),
) -> None:
    """Classify household profiles (JSON, one a line) by the poverty standard."""
    from knowledge.poverty import assess_json_line, load_standard

    standard = load_standard()
    failed = False
    for line in sys.stdin:
        if not line.strip():
            continue
        result = assess_json_line(line, standard)
        failed |= "error" in result
        if json_mode or "error" in result:
            typer.echo(json.dumps(result, ensure_ascii=False))
        else:
            typer.echo(f"{result['status']}: {result['deprived_count']} deprived "
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
