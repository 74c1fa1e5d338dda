"""The ``giamngheo`` command. Heavy imports (chat SDKs, the app) happen inside commands."""

from __future__ import annotations

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
