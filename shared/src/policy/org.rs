//! Organisations (SPEC §4): the organisation roles, what each may do in its
//! organisation, and how that combines with the platform profile.
//!
//! The SPEC §4 table is policy data ([`OrganizationsPolicy::roles`]); a row
//! may also name the platform [`Capability`] it needs, because "an org role
//! never grants a capability the profile forbids" (SPEC §4): a novice
//! manager still may not download datasets. Platform administrators
//! (`administer`) create organisations and manage the members of all of
//! them, but gain no right over scientific content.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::{Capability, Profile, UnknownCode};

/// A member's role in one organisation (SPEC §4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum OrgRole {
    Manager,
    Contributor,
    User,
    Operator,
}

impl OrgRole {
    pub const ALL: [OrgRole; 4] = [
        OrgRole::Manager,
        OrgRole::Contributor,
        OrgRole::User,
        OrgRole::Operator,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrgRole::Manager => "manager",
            OrgRole::Contributor => "contributor",
            OrgRole::User => "user",
            OrgRole::Operator => "operator",
        }
    }
}

impl fmt::Display for OrgRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for OrgRole {
    type Err = UnknownCode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        OrgRole::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| UnknownCode(s.to_owned()))
    }
}

/// One row of the SPEC §4 table: something done inside an organisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum OrgCapability {
    /// `org.projects.read_all`: see every project of the organisation.
    #[serde(rename = "org.projects.read_all")]
    ProjectsReadAll,
    /// `org.projects.read_granted`: see the projects one was granted.
    #[serde(rename = "org.projects.read_granted")]
    ProjectsReadGranted,
    /// `org.projects.read_names`: see the names of granted projects only.
    #[serde(rename = "org.projects.read_names")]
    ProjectsReadNames,
    /// `org.projects.manage`: create, rename, delete a project, edit it.
    #[serde(rename = "org.projects.manage")]
    ProjectsManage,
    /// `org.members.manage`: invite and remove members, change roles, block.
    #[serde(rename = "org.members.manage")]
    MembersManage,
    /// `org.members.export`: export the members as CSV.
    #[serde(rename = "org.members.export")]
    MembersExport,
    /// `org.projects.access`: manage who accesses a project.
    #[serde(rename = "org.projects.access")]
    ProjectsAccess,
    /// `org.files.upload`: upload files into a project dataset.
    #[serde(rename = "org.files.upload")]
    FilesUpload,
    /// `org.datasets.download`: download datasets.
    #[serde(rename = "org.datasets.download")]
    DatasetsDownload,
    /// `org.processing.launch`: launch processing, request advanced analysis.
    #[serde(rename = "org.processing.launch")]
    ProcessingLaunch,
    /// `org.annotate`: annotate.
    #[serde(rename = "org.annotate")]
    Annotate,
    /// `org.files.delete`: delete files of a dataset.
    #[serde(rename = "org.files.delete")]
    FilesDelete,
}

impl OrgCapability {
    pub const ALL: [OrgCapability; 12] = [
        OrgCapability::ProjectsReadAll,
        OrgCapability::ProjectsReadGranted,
        OrgCapability::ProjectsReadNames,
        OrgCapability::ProjectsManage,
        OrgCapability::MembersManage,
        OrgCapability::MembersExport,
        OrgCapability::ProjectsAccess,
        OrgCapability::FilesUpload,
        OrgCapability::DatasetsDownload,
        OrgCapability::ProcessingLaunch,
        OrgCapability::Annotate,
        OrgCapability::FilesDelete,
    ];

    pub fn code(self) -> &'static str {
        match self {
            OrgCapability::ProjectsReadAll => "org.projects.read_all",
            OrgCapability::ProjectsReadGranted => "org.projects.read_granted",
            OrgCapability::ProjectsReadNames => "org.projects.read_names",
            OrgCapability::ProjectsManage => "org.projects.manage",
            OrgCapability::MembersManage => "org.members.manage",
            OrgCapability::MembersExport => "org.members.export",
            OrgCapability::ProjectsAccess => "org.projects.access",
            OrgCapability::FilesUpload => "org.files.upload",
            OrgCapability::DatasetsDownload => "org.datasets.download",
            OrgCapability::ProcessingLaunch => "org.processing.launch",
            OrgCapability::Annotate => "org.annotate",
            OrgCapability::FilesDelete => "org.files.delete",
        }
    }

    /// What platform administrators (`organizations.administer`) may do in
    /// any organisation: its people, never its scientific content.
    pub fn is_administrative(self) -> bool {
        matches!(
            self,
            OrgCapability::MembersManage
                | OrgCapability::MembersExport
                | OrgCapability::ProjectsReadNames
        )
    }
}

impl FromStr for OrgCapability {
    type Err = UnknownCode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        OrgCapability::ALL
            .into_iter()
            .find(|c| c.code() == s)
            .ok_or_else(|| UnknownCode(s.to_owned()))
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
