"""The load and fault scenario (`make load`, `python -m load`): simulated staff and youths
against gunicorn + PostgreSQL on loopback, a worker killed and PostgreSQL restarted during the
run, then every write counted and the audit chain verified. See docs/reliability.md.

- `run`: the orchestrator (it sets Django up in its own process);
- `database`: the run's own database (and the seeded template), the rows a run wrote;
- `accounts`: the people the simulated users sign in as;
- `locustfile`: the simulated people, run by locust in a subprocess (gevent never enters a
  process that runs Django, nor the test suite's);
- `faults`: the worker kill and the PostgreSQL restart, each in the middle of a write;
- `verify`: the arithmetic over what was sent and what is stored (plain Python, tested);
- `report`: docs/reliability.md; `scenario`: what the orchestrator and the locustfile share.
"""
