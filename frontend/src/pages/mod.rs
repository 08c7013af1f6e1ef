//! One module per page.

pub mod account;
pub mod activate;
pub mod audit;
pub mod catalog;
pub mod compute;
pub mod data;
pub mod help;
pub mod home;
pub mod jobs;
pub mod kb;
pub mod lifecycle;
pub mod orgs;
pub mod password;
pub mod people;
pub mod policy;
pub mod projects;
pub mod recovery;
pub mod services;
pub mod signin;
pub mod works;

use yew::prelude::*;
use yew_router::prelude::*;

use crate::route::Route;
use crate::state::{use_session, use_title};

#[function_component]
pub fn NotFound() -> Html {
    let session = use_session();
    use_title(session.t("notfound.title"));
    html! {
        <section>
            <h1>{ session.t("notfound.title") }</h1>
            <p><Link<Route> to={Route::Home}>{ session.t("nav.home") }</Link<Route>></p>
        </section>
    }
}
