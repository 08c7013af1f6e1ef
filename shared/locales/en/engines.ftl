# engines and jobs
engines-field-invalid = { $detail }
engines-changed = The engine was changed by someone else meanwhile: read it again.
engines-parameter-invalid = { $reason }
jobs-engine-unknown = No engine has this id, or it is retired.
jobs-input-unknown = The engine has no input of this name.
jobs-input-missing = This input is required.
jobs-input-file = No file of this id is in a dataset of the project.
jobs-project-not-active = Jobs run in active projects only; this project is { $state }.
jobs-not-cancellable = The job is { $state }: it can no longer be cancelled.
jobs-failure-exit = The program ended with exit code { $code }.
jobs-failure-signal = The program was stopped by a signal.
jobs-failure-timeout = The job ran longer than its limit of { $secs } seconds and was stopped.
jobs-failure-start = The program could not be started: { $reason }
jobs-failure-lost = The server running the job stopped; the job could not be recovered.
jobs-failure-executor = The executor lost the job: { $reason }
jobs-failure-cancelled = Cancelled by { $who }.
jobs-work-summary = Output of job { $job } (engine { $engine }, version { $version }); exit code { $code }.
jobs-not-waiting = The job is { $state }: it is not waiting in the queue.
engines-command-lone-brace = A lone "{"}"}": write "{"}}"}" for a brace.
engines-command-unclosed = A "{"{"}" is not closed: write "{"{{"}" for a brace.
engines-command-not-placeholder = "{ $name }" is not a placeholder: a parameter name, inputs.NAME, workdir or outdir.
engines-command-unknown-parameter = "{ $name }" names no parameter of the schema.
engines-command-unknown-input = "inputs.{ $name }" names no input of the engine.
engines-command-program = The program is fixed text, never a placeholder.
engines-command-nul = An argument holds a NUL byte.
jobs-outputs-not-kept = { $files } output file(s) ({ $bytes } bytes) were not kept: { $reason ->
    [quota] they exceed the project's storage quota or a file size limit. Free space in the project's data, then run the job again.
   *[inactive] the project is not active any more.
}
