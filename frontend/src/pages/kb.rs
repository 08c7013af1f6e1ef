//! The knowledge base (issue 18 §4, SPEC §8): public — search with
//! highlighted passages, the published articles by service, an article —
//! and, for those the policy lets write (desk agents), drafts, the editor,
//! publishing and deleting. (The live suggestions of the new-ticket form
//! are the Help pages': `super::help::Suggestions`.)

use std::collections::BTreeMap;

use crate::hooks::use_state;
use habilis_shared::dto::{
    CreateKbArticle, KbArticlePage, KbArticleQuery, KbArticleState, KbArticleView, KbSearchPage,
    KbSearchQuery, OfferingPage, PageQuery, UpdateKbArticle,
};
use serde::de::IgnoredAny;
use web_sys::HtmlInputElement;
use yew::prelude::*;
use yew_router::prelude::*;

use super::help::{HelpTabs, Section, TextBox};
use crate::api::{with_query, Failure};
use crate::components::{
    confirmed, field_errors, use_pager, Choice, Field, PagerButtons, ProblemMessage, When,
};
use crate::hooks::{use_action_then, use_debounced, use_fetch};
use crate::i18n::fill;
use crate::route::Route;
use crate::state::{use_session, use_title, Session};

/// The pieces of a highlighted passage from the API: text, and whether it
/// was between `<mark>` and `</mark>`.
///
/// The API escapes the text (`&amp;`, `&lt;`, `&gt;`, `&quot;`, `&#39;`)
/// and adds `<mark>`…`</mark>` around the words found, nothing else. The
/// passage is never handed to the browser as HTML: it is split on the
/// markers and each piece unescaped and shown as text, so whatever an
/// article contains stays text.
pub fn marked_pieces(html: &str) -> Vec<(String, bool)> {
    let mut out = vec![];
    let mut rest = html;
    let mut inside = false;
    while !rest.is_empty() {
        let marker = if inside { "</mark>" } else { "<mark>" };
        let (piece, next) = match rest.find(marker) {
            Some(i) => (&rest[..i], &rest[i + marker.len()..]),
            None => (rest, ""),
        };
        if !piece.is_empty() {
            out.push((unescape(piece), inside));
        }
        rest = next;
        inside = !inside;
    }
    out
}

/// The five escapes the API uses, undone (`&amp;` last, so `&amp;lt;`
/// stays `&lt;`).
fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// A highlighted passage as text nodes and `<mark>` elements.
fn marked(html: &str) -> Html {
    html! {
        { for marked_pieces(html).into_iter().map(|(text, hit)| if hit {
            html! { <mark>{ text }</mark> }
        } else {
            html! { text }
        }) }
    }
}

/// The names of the catalog's offerings, for account holders (the
/// catalog is not public: others see the service's code).
#[hook]
fn use_service_names() -> BTreeMap<String, String> {
    let session = use_session();
    let signed_in = session.me.is_some();
    let names = use_fetch(signed_in, |client, signed_in| async move {
        if !signed_in {
            return Ok(BTreeMap::new());
        }
        let page: OfferingPage = client
            .get(&with_query(
                "/catalog",
                &PageQuery {
                    limit: Some(200),
                    cursor: None,
                },
            ))
            .await?;
        Ok(page
            .items
            .into_iter()
            .map(|o| (o.id, o.name))
            .collect::<BTreeMap<_, _>>())
    });
    names.data().cloned().unwrap_or_default()
}

fn service_label(names: &BTreeMap<String, String>, id: &str) -> String {
    names.get(id).cloned().unwrap_or_else(|| id.to_owned())
}

/// What the policy lets me do with articles (asked of the server; "no"
/// when signed out).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Rights {
    write: bool,
    drafts: bool,
}

#[hook]
fn use_rights() -> Rights {
    let session = use_session();
    let signed_in = session.me.is_some();
    let rights = use_fetch(signed_in, |client, signed_in| async move {
        if !signed_in {
            return Ok(Rights::default());
        }
        // Both concern no article in particular: asked as I stand.
        Ok(Rights {
            write: client.may("kb.write", None).await,
            drafts: client.may("kb.read_drafts", None).await,
        })
    });
    rights.data().copied().unwrap_or_default()
}

/// Tabs for account holders (the help pages); a plain heading otherwise.
fn tabs(session: &Session, exact: bool) -> Html {
    if session.me.is_some() {
        html! { <HelpTabs current={Section::Kb} {exact} /> }
    } else {
        html! {}
    }
}

fn state_badge(session: &Session, s: KbArticleState) -> Html {
    html! {
        <span class={classes!("badge", "kb-state", format!("kb-{}", s.as_str()))} data-state={s.as_str()}>
            { session.t(&format!("kb_state.{}", s.as_str())) }
        </span>
    }
}

// ───────────────────────────── the knowledge base ─────────────────────────────

#[derive(Clone, Debug, PartialEq)]
struct ListFilters {
    service: String,
    drafts: bool,
    cursor: Option<String>,
}

/// Search, and the articles by title (a service's FAQ with the filter).
#[function_component]
pub fn Kb() -> Html {
    let session = use_session();
    use_title(session.t("kb.title"));
    let typed = use_state(String::new);
    let query = use_debounced((*typed).trim().to_owned());
    let service = use_state(String::new);
    let drafts = use_state(|| false);
    let pager = use_pager();
    let rights = use_rights();
    let names = use_service_names();
    let results = use_fetch(
        (query.clone(), (*service).clone()),
        |client, (q, service)| async move {
            if q.is_empty() {
                return Ok(None);
            }
            let query = KbSearchQuery {
                q: Some(q.chars().take(habilis_shared::dto::KB_QUERY_MAX).collect()),
                service: Some(service).filter(|s| !s.is_empty()),
                limit: Some(20),
                cursor: None,
            };
            client
                .get::<KbSearchPage>(&with_query("/kb/search", &query))
                .await
                .map(Some)
        },
    );
    let filters = ListFilters {
        service: (*service).clone(),
        drafts: *drafts,
        cursor: pager.current(),
    };
    let list = use_fetch(filters, |client, f| async move {
        let query = KbArticleQuery {
            service: Some(f.service).filter(|s| !s.is_empty()),
            state: f.drafts.then_some(KbArticleState::Draft),
            limit: None,
            cursor: f.cursor,
        };
        client
            .get::<KbArticlePage>(&with_query("/kb/articles", &query))
            .await
    });
    // The services the published articles name, for the filter.
    let every = use_fetch((), |client, ()| async move {
        let query = KbArticleQuery {
            limit: Some(200),
            ..KbArticleQuery::default()
        };
        client
            .get::<KbArticlePage>(&with_query("/kb/articles", &query))
            .await
    });
    let mut services: Vec<String> = every
        .data()
        .map(|p| p.items.iter().filter_map(|a| a.service.clone()).collect())
        .unwrap_or_default();
    if !service.is_empty() {
        services.push((*service).clone());
    }
    services.sort();
    services.dedup();
    let service_options: Vec<(String, String)> = services
        .iter()
        .map(|s| (s.clone(), service_label(&names, s)))
        .collect();
    let on_typed = {
        let typed = typed.clone();
        Callback::from(move |e: InputEvent| {
            let el: HtmlInputElement = e.target_unchecked_into();
            typed.set(el.value());
        })
    };
    let on_search = Callback::from(|e: SubmitEvent| e.prevent_default());
    let on_service = {
        let (service, pager) = (service.clone(), pager.clone());
        Callback::from(move |v: String| {
            pager.reset();
            service.set(v);
        })
    };
    let on_drafts = {
        let (drafts, pager) = (drafts.clone(), pager.clone());
        Callback::from(move |e: Event| {
            let el: HtmlInputElement = e.target_unchecked_into();
            pager.reset();
            drafts.set(el.checked());
        })
    };
    let hits = results.data().cloned().flatten();
    let items = list.data().map(|l| l.items.clone()).unwrap_or_default();
    html! {
        <section>
            <h1>{ session.t("kb.title") }</h1>
            { tabs(&session, true) }
            <p>{ session.t("kb.intro") }</p>
            if rights.write {
                <p><Link<Route> to={Route::NewKbArticle} classes="button">{ session.t("kb.new") }</Link<Route>></p>
            }
            <form role="search" class="inline filters" onsubmit={on_search}>
                <div class="field">
                    <label for="kb-search">{ session.t("kb.search") }</label>
                    <input id="kb-search" name="kb-search" type="search" value={(*typed).clone()} oninput={on_typed}
                        autocomplete="off" maxlength={habilis_shared::dto::KB_QUERY_MAX.to_string()} />
                </div>
                <Choice id="kb-service" label={session.t("kb.service")} options={service_options}
                    value={(*service).clone()} onchange={on_service} />
            </form>
            if !query.is_empty() {
                <h2>{ session.t("kb.results") }</h2>
                <ProblemMessage failure={results.error().cloned()} />
                if let Some(page) = &hits {
                    if page.items.is_empty() {
                        <p id="kb-no-results">{ fill(&session.t("kb.no_results"), &[("q", &query)]) }</p>
                    } else {
                        <ol class="kb-results" id="kb-results">
                            { for page.items.iter().map(|h| html! {
                                <li data-article={h.id.clone()}>
                                    <p class="kb-hit-title">
                                        <Link<Route> to={Route::KbArticle { id: h.id.clone() }}>{ marked(&h.title_html) }</Link<Route>>
                                        if h.state == KbArticleState::Draft { { " " }{ state_badge(&session, h.state) } }
                                    </p>
                                    <p class="kb-snippet">{ marked(&h.snippet_html) }</p>
                                </li>
                            }) }
                        </ol>
                    }
                }
            }
            <h2>{ session.t("kb.articles") }</h2>
            if rights.drafts {
                <div class="field check">
                    <label for="kb-drafts">
                        <input type="checkbox" id="kb-drafts" checked={*drafts} onchange={on_drafts} />
                        { " " }{ session.t("kb.drafts_only") }
                    </label>
                </div>
            }
            <ProblemMessage failure={list.error().cloned()} />
            if list.data().is_some_and(|l| l.items.is_empty()) {
                <p id="kb-none">{ session.t("kb.none") }</p>
            } else {
                <ul class="kb-articles" id="kb-articles">
                    { for items.iter().map(|a| html! {
                        <li data-article={a.id.clone()}>
                            <Link<Route> to={Route::KbArticle { id: a.id.clone() }}>{ &a.title }</Link<Route>>
                            if let Some(s) = &a.service { { " · " }<span class="hint">{ service_label(&names, s) }</span> }
                            if a.state == KbArticleState::Draft { { " " }{ state_badge(&session, a.state) } }
                        </li>
                    }) }
                </ul>
            }
            <PagerButtons pager={pager.clone()} next={list.data().and_then(|l| l.next_cursor.clone())} />
        </section>
    }
}

// ───────────────────────────── an article ─────────────────────────────

#[derive(Properties, PartialEq)]
pub struct ArticleProps {
    pub id: String,
}

#[function_component]
pub fn Article(p: &ArticleProps) -> Html {
    let session = use_session();
    let navigator = use_navigator();
    let article = use_fetch(p.id.clone(), |client, id| async move {
        client
            .get::<KbArticleView>(&format!("/kb/articles/{id}"))
            .await
    });
    let rights = use_rights();
    let names = use_service_names();
    let change = {
        let article = article.clone();
        use_action_then(
            |client, (id, state): (String, KbArticleState)| async move {
                let body = UpdateKbArticle {
                    state: Some(state),
                    ..UpdateKbArticle::default()
                };
                client
                    .patch::<_, IgnoredAny>(&format!("/kb/articles/{id}"), &body)
                    .await
            },
            move |_| article.reload(),
        )
    };
    let delete = use_action_then(
        |client, id: String| async move {
            client
                .delete::<IgnoredAny>(&format!("/kb/articles/{id}"))
                .await
        },
        move |_| {
            if let Some(n) = &navigator {
                n.push(&Route::Kb);
            }
        },
    );
    use_title(
        article
            .data()
            .map(|a| a.title.clone())
            .unwrap_or_else(|| session.t("kb.title")),
    );
    let Some(a) = article.data() else {
        return html! {
            <section>
                { tabs(&session, false) }
                <ProblemMessage failure={article.error().cloned()} />
            </section>
        };
    };
    let on_delete = {
        let (delete, id, question) = (
            delete.clone(),
            a.id.clone(),
            fill(&session.t("kb.delete_confirm"), &[("title", &a.title)]),
        );
        Callback::from(move |_: MouseEvent| {
            if confirmed(&question) {
                delete.run(id.clone());
            }
        })
    };
    let (toggle_to, toggle_label) = match a.state {
        KbArticleState::Draft => (KbArticleState::Published, session.t("kb.publish")),
        KbArticleState::Published => (KbArticleState::Draft, session.t("kb.withdraw")),
    };
    // body_html is rendered from the article's Markdown and sanitised by
    // the server (ammonia: no script, no event handler, no `javascript:`
    // link; see `KbArticleView::body_html`). Only because of that is it
    // inserted as HTML here; no other text of the page ever is.
    let body = Html::from_html_unchecked(AttrValue::from(a.body_html.clone()));
    html! {
        <section>
            <h1>{ &a.title }</h1>
            { tabs(&session, false) }
            <dl class="facts">
                if rights.drafts || a.state == KbArticleState::Draft {
                    <dt>{ session.t("kb.state") }</dt><dd id="kb-article-state">{ state_badge(&session, a.state) }</dd>
                }
                if let Some(s) = &a.service {
                    <dt>{ session.t("kb.service") }</dt>
                    <dd id="kb-article-service">{ service_label(&names, s) }</dd>
                }
                <dt>{ session.t("kb.updated") }</dt><dd><When at={a.updated_at} /></dd>
                if let Some(t) = &a.source_ticket_id {
                    <dt>{ session.t("kb.source_ticket") }</dt>
                    <dd><Link<Route> to={Route::Ticket { id: t.clone() }}>{ session.t("kb.source_ticket_link") }</Link<Route>></dd>
                }
            </dl>
            <article class="prose kb-body" id="kb-article-body">{ body }</article>
            if rights.write {
                <ProblemMessage failure={change.error().or(delete.error()).cloned()} />
                <div class="actions" id="kb-article-actions">
                    <Link<Route> to={Route::EditKbArticle { id: a.id.clone() }} classes="button secondary">{ session.t("kb.edit") }</Link<Route>>
                    <button type="button" id="kb-toggle" disabled={change.busy()}
                        onclick={change.on_click((a.id.clone(), toggle_to))}>{ toggle_label }</button>
                    <button type="button" class="danger" id="kb-delete" disabled={delete.busy()} onclick={on_delete}>{ session.t("kb.delete") }</button>
                </div>
            }
            <p><Link<Route> to={Route::Kb}>{ session.t("kb.back") }</Link<Route>></p>
        </section>
    }
}

// ───────────────────────────── the editor ─────────────────────────────

#[derive(Properties, PartialEq)]
pub struct EditorProps {
    #[prop_or_default]
    pub id: Option<String>,
}

/// A new article, or an article changed (desk agents).
#[function_component]
pub fn ArticleEditor(p: &EditorProps) -> Html {
    let session = use_session();
    let article = use_fetch(p.id.clone(), |client, id| async move {
        match id {
            Some(id) => client
                .get::<KbArticleView>(&format!("/kb/articles/{id}"))
                .await
                .map(Some),
            None => Ok(None),
        }
    });
    let title = if p.id.is_some() {
        session.t("kb.edit_title")
    } else {
        session.t("kb.new")
    };
    use_title(title.clone());
    let form = match (&p.id, article.data()) {
        (None, _) => html! { <ArticleForm article={None::<KbArticleView>} /> },
        (Some(_), Some(Some(a))) => html! { <ArticleForm article={Some(a.clone())} /> },
        _ => html! {},
    };
    html! {
        <section>
            <h1>{ title }</h1>
            { tabs(&session, false) }
            <ProblemMessage failure={article.error().cloned()} />
            { form }
        </section>
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
struct Draft {
    title: String,
    service: String,
    body: String,
    publish: bool,
}

#[derive(Properties, PartialEq)]
struct FormProps {
    article: Option<KbArticleView>,
}

enum Save {
    Create(CreateKbArticle),
    Update(String, UpdateKbArticle),
}

fn save_of(d: &Draft, article: Option<&KbArticleView>) -> Save {
    let state = if d.publish {
        KbArticleState::Published
    } else {
        KbArticleState::Draft
    };
    let service = d.service.trim().to_owned();
    match article {
        None => Save::Create(CreateKbArticle {
            title: d.title.trim().to_owned(),
            body: d.body.clone(),
            service: Some(service).filter(|s| !s.is_empty()),
            state: Some(state),
        }),
        Some(a) => Save::Update(
            a.id.clone(),
            UpdateKbArticle {
                title: Some(d.title.trim().to_owned()),
                body: Some(d.body.clone()),
                // "" takes the article out of any service's FAQ.
                service: Some(service),
                state: Some(state),
            },
        ),
    }
}

#[function_component]
fn ArticleForm(p: &FormProps) -> Html {
    let session = use_session();
    let navigator = use_navigator();
    let draft = {
        let a = p.article.clone();
        use_state(move || match a {
            Some(a) => Draft {
                title: a.title,
                service: a.service.unwrap_or_default(),
                body: a.body,
                publish: a.state == KbArticleState::Published,
            },
            None => Draft::default(),
        })
    };
    let save = use_action_then(
        |client, save: Save| async move {
            let a: KbArticleView = match save {
                Save::Create(body) => client.post("/kb/articles", &body).await?,
                Save::Update(id, body) => {
                    client.patch(&format!("/kb/articles/{id}"), &body).await?
                }
            };
            Ok::<_, Failure>(a.id)
        },
        move |id: &String| {
            if let Some(n) = &navigator {
                n.push(&Route::KbArticle { id: id.clone() });
            }
        },
    );
    let lang = session.lang;
    let failure = save.error();
    let errors = |field: &str| field_errors(lang, failure, field);
    let set = |f: fn(&mut Draft, String)| {
        let draft = draft.clone();
        Callback::from(move |v: String| {
            let mut d = (*draft).clone();
            f(&mut d, v);
            draft.set(d);
        })
    };
    let on_publish = {
        let draft = draft.clone();
        Callback::from(move |e: Event| {
            let el: HtmlInputElement = e.target_unchecked_into();
            let mut d = (*draft).clone();
            d.publish = el.checked();
            draft.set(d);
        })
    };
    let onsubmit = {
        let (save, d, a) = (save.clone(), (*draft).clone(), p.article.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            save.run(save_of(&d, a.as_ref()));
        })
    };
    let cancel = match &p.article {
        Some(a) => Route::KbArticle { id: a.id.clone() },
        None => Route::Kb,
    };
    html! {
        <form class="card" id="kb-form" {onsubmit} novalidate=true>
            <ProblemMessage failure={failure.cloned()} />
            if let Some(t) = p.article.as_ref().and_then(|a| a.source_ticket_id.clone()) {
                <p class="hint" id="kb-from-ticket">
                    { session.t("kb.from_ticket") }{ " " }
                    <Link<Route> to={Route::Ticket { id: t }}>{ session.t("kb.source_ticket_link") }</Link<Route>>
                </p>
            }
            <Field id="kb-title" label={session.t("kb.article_title")} value={draft.title.clone()} required=true
                errors={errors("title")} oninput={set(|d, v| d.title = v)} />
            <Field id="kb-service-code" label={session.t("kb.service_code")} value={draft.service.clone()}
                hint={AttrValue::from(session.t("kb.service_hint"))}
                errors={errors("service")} oninput={set(|d, v| d.service = v)} />
            <TextBox id="kb-body" label={session.t("kb.body")} value={draft.body.clone()} rows=16
                hint={AttrValue::from(session.t("kb.body_hint"))} errors={errors("body")} oninput={set(|d, v| d.body = v)} />
            <div class="field check">
                <label for="kb-publish">
                    <input type="checkbox" id="kb-publish" checked={draft.publish} onchange={on_publish} />
                    { " " }{ session.t("kb.published") }
                </label>
            </div>
            <div class="actions">
                <button type="submit" id="kb-save" disabled={save.busy()}>{ session.t("common.save") }</button>
                <Link<Route> to={cancel} classes="button secondary">{ session.t("common.cancel") }</Link<Route>>
            </div>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn piece(t: &str, hit: bool) -> (String, bool) {
        (t.to_owned(), hit)
    }

    #[test]
    fn a_passage_splits_on_its_markers_and_is_unescaped() {
        assert_eq!(
            marked_pieces(
                "&lt;b&gt;<mark>VPN</mark> &amp; &quot;x&quot;&lt;/b&gt; <mark>cut</mark>"
            ),
            vec![
                piece("<b>", false),
                piece("VPN", true),
                piece(" & \"x\"</b> ", false),
                piece("cut", true),
            ]
        );
        assert_eq!(
            marked_pieces("a<mark>b</mark>"),
            vec![piece("a", false), piece("b", true)]
        );
    }

    #[test]
    fn escaped_markup_stays_text() {
        // An article that contains "<script>" or a literal "<mark>" comes
        // escaped: it is shown as those characters, never as markup.
        assert_eq!(
            marked_pieces("&lt;script&gt;alert(1)&lt;/script&gt; &lt;mark&gt;"),
            vec![piece("<script>alert(1)</script> <mark>", false)]
        );
        assert_eq!(marked_pieces("&amp;lt;"), vec![piece("&lt;", false)]);
        assert!(marked_pieces("").is_empty());
    }

    #[test]
    fn an_unclosed_marker_marks_the_rest() {
        assert_eq!(
            marked_pieces("x <mark>y"),
            vec![piece("x ", false), piece("y", true)]
        );
    }

    #[test]
    fn an_update_sends_an_empty_service_to_clear_it() {
        let d = Draft {
            title: " T ".into(),
            service: " ".into(),
            body: "b".into(),
            publish: true,
        };
        match save_of(&d, None) {
            Save::Create(c) => {
                assert_eq!(c.title, "T");
                assert_eq!(c.service, None);
                assert_eq!(c.state, Some(KbArticleState::Published));
            }
            Save::Update(..) => panic!("a new article is created"),
        }
    }
}
