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
    [catalog] read the service catalog
    [engines] list the compute engines
    [queue] see the compute queue by rank
    [desks] list the support desks they may use
    [tickets] list the support tickets they may see
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
   *[no] { $profile ->
        [novice] { policy-profiles-subject } may not record works by hand: their works are the drafts their compute jobs leave.
       *[other] { policy-profiles-subject } may not record works: scientists record them.
    }
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
policy-catalog-manage = { $allowed ->
    [yes] { policy-profiles-subject } add, change and retire the offerings of the service catalog.
   *[no] { policy-profiles-subject } may not change the service catalog: administrators do it.
}
policy-order-create = { $allowed ->
    [yes] Members who read the project and whose role may launch processing order services for it.
   *[no] Only managers, contributors and users who read the project, and whose profile may run engines, order services for it.
}
policy-order-read = { $allowed ->
    [yes] Those who read a project read its orders.
   *[no] The orders of a project are read by those who read the project only.
}
policy-order-manage = { $allowed ->
    [yes] Whoever placed an order, the organisation's managers and the project's owner modify or cancel it.
   *[no] Only whoever placed the order, the organisation's managers and the project's owner modify or cancel it.
}
policy-instance-launch = { $allowed ->
    [yes] Members who read the project and whose role may launch processing launch its services.
   *[no] Only managers, contributors and users who read the project, and whose profile may run engines, launch its services.
}
policy-instance-read = { $allowed ->
    [yes] A service is seen by its owner, the organisation's managers and the project's owner.
   *[no] Only the owner of a service, the organisation's managers and the project's owner see it.
}
policy-instance-manage = { $allowed ->
    [yes] A service is stopped or kept by its owner, the organisation's managers and the project's owner.
   *[no] Only the owner of a service, the organisation's managers and the project's owner stop or keep it.
}
policy-job-submit = { $allowed ->
    [yes] Members who read the project and whose role may launch processing run its engines.
   *[no] Only managers, contributors and users who read the project, and whose profile may run engines, run jobs in it.
}
policy-job-read = { $allowed ->
    [yes] A job is seen by its owner, the project's managers and those who see its owner's activity.
   *[no] Only the owner of a job, the project's managers and those who see the owner's activity see it.
}
policy-job-cancel = { $allowed ->
    [yes] A job is cancelled by its owner or the project's managers.
   *[no] Only the owner of a job and the project's managers cancel it.
}
policy-desk-read = { $allowed ->
    [yes] The group desk is known to everyone; a local desk to its organisation's members, its agents and the administrators.
   *[no] Only the members of an organisation, its desk's agents and the administrators know its local desk.
}
policy-desk-agents-manage = { $allowed ->
    [yes] A local desk's agents are named by its organisation's managers and the administrators; the group desk's by the profiles the policy names.
   *[no] Only the organisation's managers and the administrators name a local desk's agents; only the profiles the policy names name the group desk's.
}
policy-desk-agents-read = { $allowed ->
    [yes] A desk's agents are listed for its agents and for those who name them.
   *[no] Only a desk's agents and those who name them see who its agents are.
}
policy-ticket-create-local = { $allowed ->
    [yes] A ticket is opened at a local desk by its organisation's members and its agents.
   *[no] Only the members of the organisation and the desk's agents open tickets at its local desk.
}
policy-ticket-create-group = { $allowed ->
    [yes] A ticket is opened at the group desk by the agents of a desk.
   *[no] Only desk agents open tickets at the group desk; others ask their local desk.
}
policy-ticket-read = { $allowed ->
    [yes] A ticket is seen by its requester, its participants and the agents of its desks.
   *[no] Only the requester, the participants and the agents of the ticket's desks see it.
}
policy-ticket-comment = { $allowed ->
    [yes] The requester, the participants and the agents of the ticket's desks comment on it.
   *[no] Only the requester, the participants and the agents of the ticket's desks comment on it.
}
policy-ticket-work = { $allowed ->
    [yes] The agents of the ticket's desks write internal notes, assign, escalate and resolve it.
   *[no] Only the agents of the ticket's desks write internal notes, assign, escalate or resolve it.
}
policy-ticket-settle = { $allowed ->
    [yes] A ticket is closed or reopened by its requester and the agents of its desks.
   *[no] Only the requester and the agents of the ticket's desks close or reopen it.
}
policy-ticket-participants = { $allowed ->
    [yes] The requester and the agents of the ticket's desks name and remove its participants.
   *[no] Only the requester and the agents of the ticket's desks name or remove its participants.
}
policy-kb-read = Every account holder reads the published articles of the knowledge base.
policy-kb-read-public = { $allowed ->
    [yes] Anonymous visitors read the published articles of the knowledge base.
   *[no] Sign in to read the knowledge base: it is kept for account holders.
}
policy-kb-desk-agent = { $what ->
    [drafts] Desk agents read the draft articles of the knowledge base.
   *[write] Desk agents write, publish and delete the articles of the knowledge base.
}
policy-kb-read-drafts = { $allowed ->
    [yes] { policy-profiles-subject } read the draft articles of the knowledge base.
   *[no] { policy-profiles-subject } may not read the draft articles of the knowledge base: desk agents do.
}
policy-kb-write = { $allowed ->
    [yes] { policy-profiles-subject } write, publish and delete the articles of the knowledge base.
   *[no] { policy-profiles-subject } may not write articles of the knowledge base: desk agents do.
}
