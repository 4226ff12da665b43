"""The API's resources, one ninja Router per area (added to the API in `samsyn.api.api`).

Every read goes through the selector the page uses (the same consent policy, the same audit
records); every write through the service the page uses. `common` holds what they share:
ETags, pagination, the write scope and service errors as problem details."""
