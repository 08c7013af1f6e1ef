# running instances of ordered services (issue 16)
instances-order-not-approved = { $state ->
    [pending] This order still awaits its approvals: nothing can be launched from it yet.
    [rejected] This order was rejected: nothing can be launched from it.
   *[cancelled] This order was cancelled: nothing can be launched from it.
}
instances-spawner-unavailable = This service cannot run on this server yet; the order stays valid.
instances-config-invalid = { $reason }
instances-config-object = A configuration is a JSON object.
instances-schema-broken = The offering's configuration schema is unusable: { $reason }
instances-configuration-unknown = No saved configuration of yours for this service has this id.
instances-configuration-name-taken = You already have a saved configuration with this name.
instances-offering-unknown = No service of the catalog has this id.
instances-limit-user = You already run { $limit } instances, the most one person may run at once. Delete one first.
instances-limit-project = This project already runs { $limit } instances, the most a project may run at once.
instances-limit-offering-user = You already run { $limit } instances of this service, the most it allows per person.
instances-limit-offering-project = This project already runs { $limit } instances of this service, the most it allows per project.
instances-name-taken = The project already has an instance with this name.
instances-confirm-mismatch = Type the instance's name exactly to confirm its deletion; nothing was stopped.
instances-wrong-state = { $state ->
    [starting] This instance is starting.
    [running] This instance is running.
    [stopping] This instance is being stopped already.
    [stopped] This instance is stopped.
    [failed] This instance failed.
   *[lost] This instance was lost.
}
instances-usage-time-invalid = Give an instant in RFC 3339 form, e.g. 2026-12-01T00:00:00Z.
instances-usage-window-empty = The end of the window must come after its start.
