## Service catalog and orders (issue 16)
catalog-id-taken = An offering with this id exists already (retired offerings keep theirs).
catalog-field-invalid = { $detail }
orders-project-not-active = { $state ->
    [pending] The project is still waiting for its approvals: it takes no orders yet.
    [rejected] The project was rejected: it takes no orders.
   *[closed] The project is closed: it takes no orders.
}
orders-offering-unknown = No offering of the catalog has this id.
orders-cancelled = The order is cancelled.
orders-subject = { $offering } for { $project }
