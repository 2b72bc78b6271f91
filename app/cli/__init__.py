"""Operator and developer commands: `python -m app.cli <command>`.

- `cron`: list the cron workers, or run one once (either mode);
- `token`: mint a development token for any person or a platform admin;
- `demo`: fill the database with a demo gym and print first API calls;
- `deadletters`: list, show, replay or discard dead letters and dead outbox
  events (audited; a replay runs once however often it is asked);
- `status`: outbox lag, the relay's last send, the cron leader, each cron;
- `catalog`: write docs/events.md from the event and worker registry
  (`--check`: exit 1 when it is stale).

`token` and `demo` refuse to run with APP_ENV=production.
"""
