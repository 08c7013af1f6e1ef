//! Every page has a URL; back and forward work.

use yew_router::prelude::*;

#[derive(Clone, Debug, Routable, PartialEq)]
pub enum Route {
    #[at("/")]
    Home,
    #[at("/signin")]
    SignIn,
    #[at("/activate")]
    Activate,
    #[at("/password")]
    ChangePassword,
    #[at("/forgot-password")]
    ForgotPassword,
    #[at("/reset-password")]
    ResetPassword,
    #[at("/account")]
    Account,
    #[at("/people")]
    People,
    #[at("/people/new")]
    NewPerson,
    #[at("/people/:id")]
    Person { id: String },
    #[at("/works")]
    Works,
    #[at("/works/:id")]
    Work { id: String },
    #[at("/organizations")]
    Organizations,
    #[at("/organizations/:id")]
    Organization { id: String },
    #[at("/invitations/:token")]
    AcceptInvitation { token: String },
    #[at("/projects")]
    Projects,
    #[at("/projects/:id")]
    Project { id: String },
    #[at("/projects/:id/data")]
    ProjectData { id: String },
    #[at("/projects/:id/data/:dataset")]
    ProjectDataset { id: String, dataset: String },
    #[at("/approvals")]
    Approvals,
    #[at("/catalog")]
    Catalog,
    #[at("/catalog/:id")]
    Offering { id: String },
    #[at("/services")]
    Services,
    #[at("/services/:id")]
    Service { id: String },
    #[at("/services/:id/keep")]
    KeepService { id: String },
    #[at("/compute")]
    Engines,
    #[at("/compute/engines/new")]
    NewEngine,
    #[at("/compute/engines/:id")]
    Engine { id: String },
    #[at("/compute/engines/:id/edit")]
    EditEngine { id: String },
    #[at("/compute/jobs")]
    Jobs,
    #[at("/compute/jobs/:id")]
    Job { id: String },
    #[at("/compute/queue")]
    Queue,
    #[at("/help")]
    Help,
    #[at("/help/new")]
    NewTicket,
    #[at("/help/tickets/:id")]
    Ticket { id: String },
    #[at("/help/desk")]
    DeskQueue,
    #[at("/kb")]
    Kb,
    #[at("/kb/new")]
    NewKbArticle,
    #[at("/kb/:id")]
    KbArticle { id: String },
    #[at("/kb/:id/edit")]
    EditKbArticle { id: String },
    #[at("/policy")]
    Policy,
    #[at("/audit")]
    Audit,
    #[not_found]
    #[at("/404")]
    NotFound,
}

impl Route {
    /// Pages reachable without signing in.
    pub fn is_public(&self) -> bool {
        matches!(
            self,
            Route::SignIn
                | Route::Activate
                | Route::ForgotPassword
                | Route::ResetPassword
                | Route::Policy
                | Route::Kb
                | Route::KbArticle { .. }
                | Route::NotFound
        )
    }
}
