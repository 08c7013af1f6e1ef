//! Organisations (SPEC §4): the organisation roles, what each may do in its
//! organisation, and how that combines with the platform profile.
//!
//! The SPEC §4 table is policy data ([`OrganizationsPolicy::roles`]); a row
//! may also name the platform [`Capability`] it needs, because "an org role
//! never grants a capability the profile forbids" (SPEC §4): a novice
//! manager still may not download datasets. Platform administrators
//! (`administer`) create organisations and manage the members of all of
//! them, but gain no right over scientific content.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

use super::{Capability, Profile};

vocabulary! {
    /// A member's role in one organisation (SPEC §4).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    pub enum OrgRole: fn as_str, ORG_ROLE_CODES {
        Manager = "manager",
        Contributor = "contributor",
        User = "user",
        Operator = "operator",
    }
}

vocabulary! {
    /// One row of the SPEC §4 table: something done inside an organisation.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
    pub enum OrgCapability: fn code, ORG_CAPABILITY_CODES {
        /// See every project of the organisation.
        ProjectsReadAll = "org.projects.read_all",
        /// See the projects one was granted.
        ProjectsReadGranted = "org.projects.read_granted",
        /// See the names of granted projects only.
        ProjectsReadNames = "org.projects.read_names",
        /// Create, rename, delete a project, edit it.
        ProjectsManage = "org.projects.manage",
        /// See who the members are (names, e-mails, roles). Not operators:
        /// they see the names of granted projects only (SPEC §4).
        MembersRead = "org.members.read",
        /// Invite and remove members, change roles, block.
        MembersManage = "org.members.manage",
        /// Export the members as CSV.
        MembersExport = "org.members.export",
        /// Manage who accesses a project.
        ProjectsAccess = "org.projects.access",
        /// Upload files into a project dataset.
        FilesUpload = "org.files.upload",
        /// Download datasets.
        DatasetsDownload = "org.datasets.download",
        /// Launch processing, request advanced analysis.
        ProcessingLaunch = "org.processing.launch",
        /// Annotate.
        Annotate = "org.annotate",
        /// Delete files of a dataset.
        FilesDelete = "org.files.delete",
    }
}

serialize_as_code!(OrgCapability: fn code);
deserialize_from_code!(
    OrgCapability,
    ORG_CAPABILITY_CODES,
    "an organisation capability code such as \"org.annotate\""
);
schema_as_codes!(
    OrgCapability,
    ORG_CAPABILITY_CODES,
    "One row of the SPEC §4 table: something done inside an organisation."
);

impl OrgCapability {
    /// What platform administrators (`organizations.administer`) may do in
    /// any organisation: its people, never its scientific content.
    pub fn is_administrative(self) -> bool {
        matches!(
            self,
            OrgCapability::MembersManage
                | OrgCapability::MembersRead
                | OrgCapability::MembersExport
                | OrgCapability::ProjectsReadNames
        )
    }
}

/// Who holds one organisation capability.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrgRule {
    /// Organisation roles that hold it.
    pub roles: BTreeSet<OrgRole>,
    /// The platform capability it also needs (SPEC §4: the profile applies
    /// on top of the role).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requires: Option<Capability>,
}

/// Organisations, their roles and projects (SPEC §4).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrganizationsPolicy {
    /// Platform profiles that create organisations and manage the members
    /// of every organisation (SPEC §4: admins).
    pub administer: BTreeSet<Profile>,
    /// The SPEC §4 table: organisation capability → who holds it.
    pub roles: BTreeMap<OrgCapability, OrgRule>,
    /// Research domains a project may name (SPEC §4: a policy list).
    pub project_domains: Vec<String>,
    /// Most addresses in one bulk invitation.
    pub max_invitations_per_request: u32,
    /// Days an invitation link stays valid.
    pub invitation_ttl_days: u32,
    /// Largest file a dataset takes, in bytes (default 50 GiB).
    pub max_file_bytes: u64,
    /// Bytes all the datasets of one project may hold (default 100 GiB).
    pub project_quota_bytes: u64,
    /// Hours a resumable (tus) upload waits for its next bytes before it
    /// expires and its bytes are removed (default 24).
    pub upload_expiry_hours: u32,
}

impl Default for OrganizationsPolicy {
    fn default() -> Self {
        use OrgCapability as C;
        use OrgRole::*;
        let rule = |roles: &[OrgRole], requires: Option<Capability>| OrgRule {
            roles: roles.iter().copied().collect(),
            requires,
        };
        // SPEC §4 table (seed 003), column by column: managers administer
        // everything, operators upload and see names only.
        let roles = [
            (C::ProjectsReadAll, rule(&[Manager], None)),
            (
                C::ProjectsReadGranted,
                rule(&[Manager, Contributor, User], None),
            ),
            (
                C::ProjectsReadNames,
                rule(&[Manager, Contributor, User, Operator], None),
            ),
            (C::ProjectsManage, rule(&[Manager], None)),
            (C::MembersRead, rule(&[Manager, Contributor, User], None)),
            (C::MembersManage, rule(&[Manager], None)),
            (C::MembersExport, rule(&[Manager], None)),
            (C::ProjectsAccess, rule(&[Manager], None)),
            (
                C::FilesUpload,
                rule(&[Manager, Contributor, Operator], None),
            ),
            (
                C::DatasetsDownload,
                rule(
                    &[Manager, Contributor, User],
                    Some(Capability::DataDownload),
                ),
            ),
            (
                C::ProcessingLaunch,
                rule(&[Manager, Contributor, User], Some(Capability::EngineRun)),
            ),
            (
                C::Annotate,
                rule(&[Manager, Contributor], Some(Capability::ResultsModify)),
            ),
            (C::FilesDelete, rule(&[Manager, Contributor], None)),
        ]
        .into_iter()
        .collect();
        OrganizationsPolicy {
            administer: [Profile::Admin].into_iter().collect(),
            roles,
            project_domains: [
                "biology",
                "clinical research",
                "ecology",
                "epidemiology",
                "genomics",
                "oceanography",
                "public health",
            ]
            .into_iter()
            .map(str::to_owned)
            .collect(),
            max_invitations_per_request: 100,
            invitation_ttl_days: 14,
            max_file_bytes: 50 << 30,
            project_quota_bytes: 100 << 30,
            upload_expiry_hours: 24,
        }
    }
}

/// How the actor stands to one project (SPEC §4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ProjectRelation {
    /// Who asked for it.
    Owner,
    Sponsor,
    DataSteward,
    /// Invited to it (not revoked).
    Participant,
    /// None of the above.
    None,
}

impl ProjectRelation {
    /// Owner, sponsor and data steward answer for the project: they manage
    /// who accesses it (SPEC §4 "participants").
    pub fn answers_for_it(self) -> bool {
        matches!(
            self,
            ProjectRelation::Owner | ProjectRelation::Sponsor | ProjectRelation::DataSteward
        )
    }
}
