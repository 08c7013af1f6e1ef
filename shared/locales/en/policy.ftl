# policy: the reasons of policy decisions (shared/src/policy/decide.rs).
# Arguments are codes: $profile, $target and $to are profile codes,
# $capability a capability name (ResultsRead), $action an action code, $role an
# organisation role, $allowed is "yes" or "no".

## Words selected by a code argument, used by the messages below (a
## referenced message sees the arguments of the message that uses it).

policy-profiles = { $profile ->
    [public] anonymous visitors
    [novice] novice scientists
    [confirmed] confirmed scientists
    [expert] expert scientists
    [admin] administrators
   *[webmaster] webmasters
}
policy-profiles-subject = { $profile ->
    [public] Anonymous visitors
    [novice] Novice scientists
    [confirmed] Confirmed scientists
    [expert] Expert scientists
    [admin] Administrators
   *[webmaster] Webmasters
}
policy-target-accounts = { $target ->
    [novice] novice scientist accounts
    [confirmed] confirmed scientist accounts
    [expert] expert scientist accounts
    [admin] administrator accounts
    [public] public accounts
   *[webmaster] webmaster accounts (at most 2 in total)
}
policy-to = { $to ->
    [novice] novice scientist
    [confirmed] confirmed scientist
    [expert] expert scientist
    [admin] administrator
    [public] public
   *[webmaster] webmaster
}
policy-capability-phrase = { $capability ->
    [CharterSign] sign the confidentiality charter
    [ResultsRead] read sensitive scientific results
    [DataDownload] download sensitive data
    [ResultsCreate] create sensitive results
    [ResultsPublish] publish sensitive results
    [ResultsModify] modify or annotate sensitive results
    [EngineRun] run compute engines
    [EngineModify] modify the code of compute engines
   *[EngineCreate] create compute engines
}
policy-role = { $role ->
    [manager] manager
    [contributor] contributor
    [user] user
   *[operator] operator
}
policy-may = { $allowed ->
    [yes] may
   *[no] may not
}

## Reasons.

policy-as-received = { $text }
policy-read = Everyone, including anonymous visitors, may read the policy.
policy-public-no-account = Anonymous visitors may only read the policy: sign in to do more.
policy-charter-required = Accept the confidentiality charter first.
policy-charter-required-for = Accept the confidentiality charter first: { policy-profiles } may { policy-capability-phrase } once they have accepted it.
policy-target-missing = The action { $action } is decided for a given object, and none was given.
policy-account-holder = Every account holder may { $what ->
    [list] list the accounts visible to them
    [check] ask the policy for a decision
    [read] read their own account
    [update] update their own account
    [tokens] manage their personal API tokens
    [orgs] list the organisations they belong to
    [projects] list the projects they may know of
    [approvals] list their own approvals
    [works] list the works they may see
    [invitation] accept an invitation sent to their address
    [logout] sign out
   *[password] change their password
}.
policy-capability = { $allowed ->
    [yes] { policy-profiles-subject } may { policy-capability-phrase }.
   *[no] { policy-profiles-subject } may not { policy-capability-phrase }: only the profiles the policy grants it to may.
}
policy-capability-provisional = { $allowed ->
    [yes] { policy-profiles-subject } may { policy-capability-phrase } (provisional: the institution has yet to confirm it).
   *[no] { policy-profiles-subject } may not { policy-capability-phrase } (provisional: the institution has yet to confirm it).
}
policy-capability-unassigned = The policy grants nobody the right to { policy-capability-phrase }.
policy-works-create = { $allowed ->
    [yes] { policy-profiles-subject } may record works.
   *[no] { policy-profiles-subject } may not record works: scientists record them.
}
policy-work-owner = Everyone sees their own works.
policy-work-admin = Administrators see no works, not even published ones.
policy-work-webmaster = The webmaster reads works in every state.
policy-work-published = Published works are visible to everyone who may read sensitive results.
policy-work-private = Drafts and unpublished works are visible only to their owner and the supervisors above them.
policy-work-confirmed-novices = { $allowed ->
    [yes] Confirmed supervisors see the drafts and unpublished works of their novices.
   *[no] The policy does not let confirmed supervisors see the drafts of their novices.
}
policy-work-expert-novices = Experts see the drafts and unpublished works of the novices below them.
policy-work-expert-confirmed = { $allowed ->
    [yes] Experts see the drafts and unpublished works of the confirmed scientists they supervise.
   *[no] Experts see only the published works of the confirmed scientists they supervise.
}
policy-work-private-profile = These drafts and unpublished works are visible only to their owner and the supervisors above them.
policy-work-owner-only = Only the owner of a work may do this ({ $action }).
policy-work-delete-own = { $allowed ->
    [yes] { policy-profiles-subject } may delete their own works.
   *[no] { policy-profiles-subject } may not delete their own works: their supervisor inherits them.
}
policy-work-transfer = { $allowed ->
    [yes] The owner may give a work to someone else.
   *[no] Only the owner of a work may give it away.
}
policy-work-file = { $allowed ->
    [yes] The owner may file a work into a project.
   *[no] Only the owner of a work may file it into a project.
}
policy-activity-myself = Everyone sees their own activity log.
policy-activity-webmaster = The webmaster reads everyone's activity log.
policy-activity-admin = Administrators see the activity logs of all scientists.
policy-activity-supervisors = Supervisors see the activity logs of the people below them.
policy-activity-private = An activity log is visible to its owner, the supervisors above them and the administration only.
policy-departure-seat = { policy-profiles-subject } are never deleted: their seat is handed over to a new person.
policy-departure = { $allowed ->
    [yes] The departure of { policy-profiles } is scheduled by the creator line the policy names.
   *[no] Only the creator line the policy names schedules the departure of { policy-profiles }.
}
policy-secondment = { $allowed ->
    [yes] A supervisor above them arranges the secondment of { policy-profiles }.
   *[no] Only a supervisor above them may arrange the secondment of { policy-profiles }.
}
policy-handover-not-a-seat = { policy-profiles-subject } leave by departure, not by hand-over.
policy-handover = { $allowed ->
    [yes] { policy-profiles-subject } may hand an administrator or webmaster seat over.
   *[no] { policy-profiles-subject } may not hand a seat over: the profiles the policy names do it.
}
policy-promotion-none = { policy-profiles-subject } are never promoted.
policy-promotion = { $allowed ->
    [yes] { policy-profiles-subject } may be promoted to { policy-to } by your profile.
   *[no] { policy-profiles-subject } are promoted to { policy-to } only by the profiles the policy names.
}
policy-promotion-line = { $allowed ->
    [yes] { policy-profiles-subject } may be promoted to { policy-to } by you, from above them in their supervision line.
   *[no] { policy-profiles-subject } are promoted to { policy-to } only from above them in their supervision line, by the profiles the policy names.
}
policy-personal-myself = Everyone may read their own personal data.
policy-personal-everyone = { policy-profiles-subject } read everyone's personal data.
policy-personal-owner-only = Personal data is visible to its owner only; supervisors see the professional e-mail address.
policy-account-myself = Everyone may read their own account.
policy-account-line = Everyone may read the accounts of their supervision line.
policy-account-subtree = Supervisors may read the accounts of the people below them.
policy-account-everyone = { policy-profiles-subject } may read every account.
policy-account-other = { policy-profiles-subject } may read only their own account and those of their supervision line and of the people below them.
policy-block-self = Nobody may { $action ->
    [block] block
   *[unblock] unblock
} their own account.
policy-block = { policy-profiles-subject } { policy-may } { $action ->
    [block] block
   *[unblock] unblock
} accounts{ $allowed ->
    [yes] .
   *[no] : the profiles the policy names do it.
}
policy-audit-read = { $allowed ->
    [yes] { policy-profiles-subject } may read the audit log.
   *[no] { policy-profiles-subject } may not read the audit log: the administration reads it.
}
policy-approval-approver = { $allowed ->
    [yes] The approver named in the request decides it.
   *[no] Only the approver named in the request may decide it.
}
policy-org-create = { $allowed ->
    [yes] { policy-profiles-subject } may create organisations.
   *[no] { policy-profiles-subject } may not create organisations: administrators do it.
}
policy-org-administer = { policy-profiles-subject } manage the people of every organisation.
policy-org-members-only = Only members of the organisation act in it.
policy-org-role = { $allowed ->
    [yes] Your role in the organisation ({ policy-role }) allows this ({ $action }).
   *[no] Your role in the organisation ({ policy-role }) does not allow this ({ $action }): ask a manager of the organisation.
}
policy-org-profile-forbids = An organisation role never grants what the profile forbids: { policy-profiles } may not { policy-capability-phrase }.
policy-project-read-managers = Managers see every project of their organisation.
policy-project-read-answerable = The owner, sponsor and data steward of a project see it.
policy-project-read-granted = Members see the projects they were granted.
policy-project-read-denied = A project is visible to the managers of its organisation, the people answering for it and those granted access only.
policy-project-read-name = { $allowed ->
    [yes] Members see the names of the projects they were granted.
   *[no] The name of a project is visible to its managers, the people answering for it and those granted access only.
}
policy-project-manage = { $allowed ->
    [yes] Managers create, rename, delete and close projects.
   *[no] Only managers of the organisation create, rename, delete and close projects.
}
policy-project-works = { $allowed ->
    [yes] Members who see a project and may annotate put works into it.
   *[no] Only members who see the project and whose role may annotate put works into it.
}
policy-project-participants = { $allowed ->
    [yes] The owner, sponsor, data steward and managers decide who accesses a project.
   *[no] Only the owner, sponsor, data steward and managers decide who accesses a project.
}
policy-never-admin = Nobody may { $action ->
    [create] create
   *[habilitate] habilitate
} administrator accounts: the first administrator is created at installation.
policy-never-public = Nobody may { $action ->
    [create] create
   *[habilitate] habilitate
} public accounts: anonymous visitors have no account.
policy-matrix = { $allowed ->
    [yes] { policy-profiles-subject } may { $action ->
        [create] create
       *[habilitate] habilitate
    } { policy-target-accounts }.
   *[no] { policy-profiles-subject } may not { $action ->
        [create] create
       *[habilitate] habilitate
    } { policy-target-accounts }: ask someone whose profile may.
}
policy-identity = { $allowed ->
    [yes] The creator line of { policy-profiles } and the administration correct their name and e-mail address and send them a new activation link.
   *[no] Only the creator line above { policy-profiles } and the administration correct their name and e-mail address or send them a new activation link.
}

## The policy reference (`habilis policy doc`, shared/src/policy/doc.rs):
## headings, column names and one line per action code.

policydoc-title = Policy reference
policydoc-intro = This is the policy document the server applies (format version { $version }, charter version { $charter }), written out by `habilis policy doc`. Codes in `code font` are those of the document (`habilis policy print`) and of `POST /api/v1/authz/check`. Do not edit this file by hand: change the policy document and regenerate it.
policydoc-profile = { $profile ->
    [public] Anonymous visitor
    [novice] Novice scientist
    [confirmed] Confirmed scientist
    [expert] Expert scientist
    [admin] Administrator
   *[webmaster] Webmaster
}
policydoc-nobody = nobody
policydoc-yes = yes
policydoc-no = no
policydoc-from-line = from above, in the supervision line
policydoc-seat-handover = never deleted: the seat is handed over
policydoc-profiles = Profiles
policydoc-profiles-intro = Every account has one profile. Anonymous visitors (`public`) have no account. Supervision: who may supervise an account of this profile. Seats are never deleted, only handed over to a new person.
policydoc-col-code = Code
policydoc-col-name = Profile
policydoc-col-limit = At most
policydoc-col-supervisors = Supervised by
policydoc-col-seat = Seat
policydoc-creation = Who creates whose account
policydoc-creation-intro = A row creates accounts of the columns it marks ✓. Nobody creates administrators: the first one is created at installation (`habilis bootstrap-admin`).
policydoc-habilitation = Who habilitates whom
policydoc-habilitation-intro = A row grants the habilitations of the columns it marks ✓.
policydoc-col-by-for = by \ for
policydoc-capabilities = Capabilities
policydoc-capabilities-intro = What each profile may do. { $yes } allowed, { $no } not allowed; { $provisional } marks a provisional value the institution has yet to confirm. An organisation role never grants what the profile forbids.
policydoc-col-capability = Capability
policydoc-lifecycle = Promotion and departure
policydoc-col-profile = Profile
policydoc-col-promoted-to = Promoted to
policydoc-col-promoted-by = Promoted by
policydoc-col-departure-by = Departure scheduled by
policydoc-col-heir-required = Heir required
policydoc-works = Works are recorded by { $create }; { $delete } may delete their own works (the works of the others go to their supervisor when they leave).
policydoc-administration = Administration
policydoc-col-right = Right
policydoc-col-profiles = Profiles
policydoc-admin-block_accounts = Block and unblock accounts
policydoc-admin-read_audit = Read the audit log
policydoc-admin-see_all_accounts = See every account, not only their own hierarchy
policydoc-admin-read_personal_data = Read everyone's personal data
policydoc-admin-handover_seats = Hand an administrator or webmaster seat over to a new person
policydoc-admin-notified_of_activations = Told by e-mail when an account is activated or its link expires
policydoc-admin-organizations_administer = Create organisations and manage the members of every organisation (never their scientific content)
policydoc-visibility = Visibility switches
policydoc-visibility-intro = Everyone sees their own works and activity; supervisors see the people below them. These switches adjust the rest.
policydoc-col-switch = Switch
policydoc-col-meaning = Meaning
policydoc-col-value = Value
policydoc-switch-expert_sees_confirmed_drafts = Experts see the drafts and unpublished works of the confirmed scientists they supervise
policydoc-switch-admin_sees_works = Administrators see works
policydoc-switch-admin_sees_all_activity_logs = Administrators see every scientist's activity log
policydoc-switch-webmaster_reads_everything = The webmaster reads everything (read-only)
policydoc-switch-supervisors_see_professional_email_only = Of personal data, supervisors see only the professional e-mail address
policydoc-switch-confirmed_sees_novice_drafts = Confirmed supervisors see the drafts and unpublished works of their novices
policydoc-switch-supervisors_see_subordinate_activity = Supervisors see the activity log of the people below them
policydoc-switch-secondment_host_sees_period_work = The host supervisor of a secondment sees the work produced during it
policydoc-organisations = Organisation roles
policydoc-organisations-intro = What each role may do inside its organisation ({ $yes } yes, { $no } no). The last column names the capability the member's profile must also hold.
policydoc-col-org-capability = In the organisation
policydoc-col-requires = Also requires
policydoc-organisations-missing = Held by nobody (absent from the document): { $list }.
policydoc-organisations-settings = Research domains a project may name: { $domains }. At most { $max } addresses per bulk invitation; an invitation link is valid for { $days } days.
policydoc-priority = Processing priority
policydoc-priority-intro = Higher ranks are dispatched first; the caps apply even on an idle platform.
policydoc-col-rank = Rank
policydoc-col-access = Resource priority
policydoc-col-max-running = Max running jobs
policydoc-col-max-share = Max share
policydoc-col-quota = Storage quota (GB)
policydoc-access = { $access ->
    [none] none
    [partial] partial
   *[total] total
}
policydoc-precedence = Precedence pairs (higher > lower): { $pairs }.
policydoc-accounts = Accounts and sign-in
policydoc-accounts-domains = Allowed e-mail domains: { $list }.
policydoc-accounts-activation = An activation link is valid for { $days } days.
policydoc-accounts-password = Passwords have at least { $length } characters.
policydoc-accounts-inactivity = After { $days } days without signing in, an account is reviewed; it is deactivated { $grace } days after the warning.
policydoc-accounts-departure-warnings = Departure warnings are sent this many days before the date: { $list }.
policydoc-accounts-tokens = An access token lives { $minutes } minutes; a session (refresh token) { $days } days.
policydoc-accounts-lockout = { $failures } failed sign-ins within { $window } minutes lock the account for { $minutes } minutes.
policydoc-actions = Action codes
policydoc-actions-intro = Every action the policy decides, as named in `POST /api/v1/authz/check` and in the audit log.
policydoc-col-action = Action
policydoc-col-description = What it allows
policydoc-action-capability = { $capability ->
    [CharterSign] Sign the confidentiality charter
    [ResultsRead] Read sensitive scientific results
    [DataDownload] Download sensitive data
    [ResultsCreate] Create sensitive results
    [ResultsPublish] Publish sensitive results
    [ResultsModify] Modify or annotate sensitive results
    [EngineRun] Run compute engines (without changing their code)
    [EngineModify] Modify the code of compute engines
   *[EngineCreate] Create new compute engines
}
policydoc-action-org = { $capability ->
    [ProjectsReadAll] See every project of the organisation
    [ProjectsReadGranted] See the projects one was granted
    [ProjectsReadNames] See the names of the projects one was granted
    [ProjectsManage] Create, rename, edit, close and delete projects
    [MembersManage] Invite and remove members, change roles, block members
    [MembersExport] Export the members as CSV
    [ProjectsAccess] Manage who accesses a project
    [FilesUpload] Upload files into a project's datasets
    [DatasetsDownload] Download datasets
    [ProcessingLaunch] Launch processing, request advanced analysis
    [Annotate] Annotate
   *[FilesDelete] Delete files of a dataset
}
policydoc-action-user-create = Create { policy-target-accounts }
policydoc-action-user-habilitate = Habilitate { policy-target-accounts }
policydoc-action-work-state = { $state ->
    [draft] Move a work back to draft
    [unpublished] Move one's draft to unpublished
   *[published] Publish one's unpublished work
}
policydoc-action-user-list = List the accounts one may see
policydoc-action-user-read = Read an account
policydoc-action-user-read_personal = Read an account's personal data
policydoc-action-user-block = Block an account
policydoc-action-user-unblock = Unblock an account
policydoc-action-audit-read = Read the audit log
policydoc-action-policy-read = Read the policy
policydoc-action-authz-check = Ask the policy for a decision
policydoc-action-me-read = Read one's own account
policydoc-action-me-update = Update one's own account (language, date format, phone, charter)
policydoc-action-me-tokens = Manage one's personal API tokens
policydoc-action-auth-password = Change one's password
policydoc-action-work-create = Record a work (a draft)
policydoc-action-work-read = Read a work
policydoc-action-work-delete = Delete a work
policydoc-action-work-annotate = Annotate a work
policydoc-action-activity-read = Read a person's activity log
policydoc-action-user-promote = Promote a person one level
policydoc-action-user-depart = Schedule a person's departure
policydoc-action-user-handover = Hand an administrator or webmaster seat over to a new person
policydoc-action-user-second = Arrange a person's secondment
policydoc-action-work-transfer = Give a work to someone else
policydoc-action-work-file = File one's own work into a project, or out of it
policydoc-action-project-works = Put works into a project
policydoc-action-user-edit = Correct the name and e-mail address of an account
policydoc-action-user-activation = Send a new activation link to an account never activated
policydoc-action-org-list = List the organisations one belongs to
policydoc-action-project-list = List the projects one may see
policydoc-action-approval-list = List one's approval requests and decisions
policydoc-action-work-list = List the works one may see
policydoc-action-invitation-accept = Accept an invitation to an organisation
policydoc-action-auth-logout = Sign out
policydoc-action-org-create = Create an organisation
policydoc-action-project-read = Read a project
policydoc-action-project-read_name = See a project's name
policydoc-action-project-manage = Manage a project (edit, close, delete)
policydoc-action-project-participants = Invite and revoke a project's participants
policydoc-action-approval-decide = Approve or reject a project as its sponsor or data steward

policy-dataset-read = { $allowed ->
    [yes] Those who read a project read its datasets and their files.
   *[no] The datasets of a project are read by those who read the project only.
}
policy-dataset-manage = { $allowed ->
    [yes] Managers of the organisation and the project's owner create, rename and delete its datasets.
   *[no] Only managers of the organisation and the project's owner create, rename and delete its datasets.
}
policy-file-upload = { $allowed ->
    [yes] Members whose role may upload put files into the datasets of the projects they see.
   *[no] Only managers, contributors and operators who see the project upload files into its datasets.
}
policy-file-download = { $allowed ->
    [yes] Members whose role and profile may download read the files of the projects they see.
   *[no] Only managers, contributors and users who read the project, and whose profile may download data, download its files.
}
policy-file-delete = { $allowed ->
    [yes] Managers and contributors who read a project delete the files of its datasets.
   *[no] Only managers and contributors who read the project delete the files of its datasets.
}

policydoc-action-dataset-read = Read a dataset and list its files
policydoc-action-dataset-manage = Create, rename and delete a project's datasets
policydoc-action-file-upload = Upload a file into a dataset
policydoc-action-file-download = Download a file of a dataset
policydoc-action-file-delete = Delete a file of a dataset
