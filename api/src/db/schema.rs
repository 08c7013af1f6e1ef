//! Diesel schema shared by both backends: portable column types only
//! (ids as text, `Timestamp`, `Bool`, `BigInt`), as in Vaultwarden.

diesel::table! {
    users (id) {
        id -> Text,
        email -> Text,
        email_key -> Text,
        first_name -> Text,
        last_name -> Text,
        profile -> Text,
        state -> Text,
        supervisor_id -> Nullable<Text>,
        created_by -> Nullable<Text>,
        password_hash -> Text,
        must_change_password -> Bool,
        language -> Text,
        date_format -> Text,
        phone -> Nullable<Text>,
        charter_version -> Nullable<Text>,
        charter_accepted_at -> Nullable<Timestamp>,
        activated_at -> Nullable<Timestamp>,
        last_login_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        inactivity_warned_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    email_tokens (id) {
        id -> Text,
        user_id -> Text,
        purpose -> Text,
        token_hash -> Text,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        user_id -> Text,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> Text,
        session_id -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> Text,
        user_id -> Text,
        name -> Text,
        token_hash -> Text,
        scopes -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    login_failures (id) {
        id -> Text,
        account_key -> Text,
        ip -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    audit_log (seq) {
        seq -> BigInt,
        at -> Timestamp,
        actor_id -> Nullable<Text>,
        action -> Text,
        target_type -> Nullable<Text>,
        target_id -> Nullable<Text>,
        outcome -> Text,
        request_id -> Nullable<Text>,
        ip -> Nullable<Text>,
        detail -> Text,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    audit_head (id) {
        id -> Integer,
        seq -> BigInt,
        hash -> Text,
    }
}

diesel::table! {
    outbox (id) {
        id -> Text,
        created_at -> Timestamp,
        to_addr -> Text,
        subject -> Text,
        body -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        lease_owner -> Nullable<Text>,
        lease_until -> Nullable<Timestamp>,
        sent_at -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        html -> Nullable<Text>,
        headers -> Nullable<Text>,
    }
}

diesel::table! {
    app_locks (name) {
        name -> Text,
    }
}

diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(api_tokens -> users (user_id));
diesel::joinable!(refresh_tokens -> sessions (session_id));
diesel::joinable!(email_tokens -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    users,
    email_tokens,
    sessions,
    refresh_tokens,
    api_tokens,
    login_failures,
    audit_log,
    audit_head,
    outbox,
    app_locks,
);

diesel::table! {
    works (id) {
        id -> Text,
        owner_id -> Text,
        author_id -> Text,
        title -> Text,
        summary -> Text,
        state -> Text,
        project_id -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        published_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    annotations (id) {
        id -> Text,
        work_id -> Text,
        author_id -> Text,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    activity (id) {
        id -> Text,
        user_id -> Text,
        kind -> Text,
        target_type -> Nullable<Text>,
        target_id -> Nullable<Text>,
        ip -> Nullable<Text>,
        at -> Timestamp,
    }
}

diesel::joinable!(annotations -> works (work_id));
diesel::table! {
    /// Projects the works_project_fk migration cleared, until the server
    /// writes each to the audit chain.
    works_project_cleared (work_id) {
        work_id -> Text,
        project_id -> Text,
        cleared_at -> Timestamp,
    }
}

diesel::allow_tables_to_appear_in_same_query!(works, annotations, activity, users);

diesel::table! {
    jobs (id) {
        id -> Text,
        kind -> Text,
        subject_id -> Nullable<Text>,
        payload -> Text,
        run_at -> Timestamp,
        attempts -> Integer,
        lease_owner -> Nullable<Text>,
        lease_until -> Nullable<Timestamp>,
        done_at -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    departures (user_id) {
        user_id -> Text,
        date -> Timestamp,
        heir_id -> Nullable<Text>,
        scheduled_by -> Text,
        created_at -> Timestamp,
        done_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    secondments (id) {
        id -> Text,
        user_id -> Text,
        host_supervisor_id -> Text,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::allow_tables_to_appear_in_same_query!(jobs, departures, users);
diesel::allow_tables_to_appear_in_same_query!(secondments, users);
diesel::allow_tables_to_appear_in_same_query!(secondments, works);

diesel::table! {
    organizations (id) {
        id -> Text,
        name -> Text,
        name_key -> Text,
        description -> Text,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    memberships (organization_id, user_id) {
        organization_id -> Text,
        user_id -> Text,
        role -> Text,
        state -> Text,
        added_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    invitations (id) {
        id -> Text,
        organization_id -> Text,
        email -> Text,
        email_key -> Text,
        role -> Text,
        token_hash -> Text,
        invited_by -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        accepted_at -> Nullable<Timestamp>,
        accepted_by -> Nullable<Text>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(memberships -> organizations (organization_id));
diesel::joinable!(memberships -> users (user_id));
diesel::allow_tables_to_appear_in_same_query!(organizations, memberships, invitations);
diesel::allow_tables_to_appear_in_same_query!(memberships, users);

diesel::table! {
    projects (id) {
        id -> Text,
        organization_id -> Text,
        name -> Text,
        data_class -> Text,
        domain -> Text,
        description -> Text,
        owner_id -> Text,
        sponsor_id -> Text,
        data_steward_id -> Text,
        state -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    approval_requests (id) {
        id -> Text,
        subject_type -> Text,
        subject_id -> Text,
        requested_by -> Text,
        state -> Text,
        created_at -> Timestamp,
        decided_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    approvals (id) {
        id -> Text,
        request_id -> Text,
        approver_id -> Text,
        approver_role -> Text,
        decision -> Nullable<Text>,
        comment -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    project_events (id) {
        id -> Text,
        project_id -> Text,
        at -> Timestamp,
        actor_id -> Text,
        kind -> Text,
        comment -> Nullable<Text>,
    }
}

diesel::table! {
    participants (id) {
        id -> Text,
        project_id -> Text,
        user_id -> Nullable<Text>,
        email -> Text,
        email_key -> Text,
        role -> Nullable<Text>,
        state -> Text,
        invited_by -> Text,
        invited_at -> Timestamp,
        revoked_by -> Nullable<Text>,
        revoked_at -> Nullable<Timestamp>,
    }
}

// A list of projects selects on the caller's memberships and participant
// rows in sub-selects (projects::queries::Standing::filter).
diesel::allow_tables_to_appear_in_same_query!(projects, participants, memberships);
diesel::joinable!(approvals -> approval_requests (request_id));
diesel::allow_tables_to_appear_in_same_query!(approvals, approval_requests);

diesel::table! {
    signing_keys (kid) {
        kid -> Text,
        generation -> BigInt,
        secret -> Text,
        created_at -> Timestamp,
        retires_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    datasets (id) {
        id -> Text,
        project_id -> Text,
        name -> Text,
        description -> Text,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    files (id) {
        id -> Text,
        dataset_id -> Text,
        project_id -> Text,
        path -> Text,
        size -> BigInt,
        sha256 -> Text,
        content_type -> Text,
        object_key -> Text,
        uploaded_by -> Text,
        uploaded_at -> Timestamp,
    }
}

diesel::table! {
    uploads (id) {
        id -> Text,
        dataset_id -> Text,
        project_id -> Text,
        path -> Text,
        content_type -> Text,
        object_key -> Text,
        length -> Nullable<BigInt>,
        received -> BigInt,
        sha256_state -> Text,
        expected_sha256 -> Nullable<Text>,
        staging -> Text,
        created_by -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        lease_owner -> Nullable<Text>,
        lease_until -> Nullable<Timestamp>,
    }
}

diesel::joinable!(files -> datasets (dataset_id));
diesel::joinable!(uploads -> datasets (dataset_id));
diesel::allow_tables_to_appear_in_same_query!(datasets, files, projects, uploads);

diesel::table! {
    offerings (id) {
        id -> Text,
        name -> Text,
        category -> Text,
        description -> Text,
        config_schema -> Text,
        readme_template -> Text,
        price_per_hour_milli -> BigInt,
        unit -> Text,
        spawner_kind -> Text,
        spawner_recipe -> Nullable<Text>,
        limits -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        retired_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    orders (id) {
        id -> Text,
        project_id -> Text,
        offering_id -> Text,
        requested_by -> Text,
        comment -> Nullable<Text>,
        state -> Text,
        request_id -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    instances (id) {
        id -> Text,
        order_id -> Text,
        project_id -> Text,
        offering_id -> Text,
        owner_id -> Text,
        name -> Text,
        config -> Text,
        state -> Text,
        spawner_kind -> Text,
        handle -> Nullable<Text>,
        open_url -> Nullable<Text>,
        secrets -> Nullable<Text>,
        failure -> Nullable<Text>,
        created_at -> Timestamp,
        started_at -> Nullable<Timestamp>,
        stopped_at -> Nullable<Timestamp>,
        last_activity_at -> Nullable<Timestamp>,
        idle_notice_at -> Nullable<Timestamp>,
        kept_at -> Nullable<Timestamp>,
        deleted_at -> Nullable<Timestamp>,
        lease_owner -> Nullable<Text>,
        lease_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    instance_configurations (id) {
        id -> Text,
        user_id -> Text,
        name -> Text,
        offering_id -> Text,
        config -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    instance_usage (id) {
        id -> Text,
        instance_id -> Text,
        project_id -> Text,
        offering_id -> Text,
        started_at -> Timestamp,
        ended_at -> Nullable<Timestamp>,
        price_per_hour_milli -> BigInt,
    }
}

diesel::joinable!(orders -> offerings (offering_id));
diesel::joinable!(orders -> projects (project_id));
diesel::joinable!(orders -> users (requested_by));
diesel::joinable!(orders -> approval_requests (request_id));
diesel::joinable!(instances -> orders (order_id));
diesel::joinable!(instances -> offerings (offering_id));
diesel::joinable!(instances -> projects (project_id));
diesel::joinable!(instances -> users (owner_id));
diesel::joinable!(instance_configurations -> offerings (offering_id));
diesel::joinable!(instance_configurations -> users (user_id));
diesel::joinable!(instance_usage -> instances (instance_id));
diesel::joinable!(instance_usage -> offerings (offering_id));
diesel::joinable!(instance_usage -> projects (project_id));
// Orders, instances and usage are listed with their project's and
// offering's names (and the requester / owner) in one statement.
diesel::allow_tables_to_appear_in_same_query!(
    offerings,
    orders,
    instances,
    instance_configurations,
    instance_usage,
    projects,
    users,
    approval_requests,
);

diesel::table! {
    engines (id) {
        id -> Text,
        version -> BigInt,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        retired_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    engine_versions (engine_id, version) {
        engine_id -> Text,
        version -> BigInt,
        name -> Text,
        description -> Text,
        command -> Text,
        parameters -> Text,
        inputs -> Text,
        timeout_secs -> BigInt,
        cpus -> BigInt,
        memory_mb -> BigInt,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    compute_jobs (id) {
        id -> Text,
        project_id -> Text,
        owner_id -> Text,
        engine_id -> Text,
        engine_version -> BigInt,
        name -> Text,
        parameters -> Text,
        inputs -> Text,
        profile -> Text,
        public -> Bool,
        state -> Text,
        executor -> Nullable<Text>,
        handle -> Nullable<Text>,
        attempts -> BigInt,
        cancel_requested -> Bool,
        queued_at -> Timestamp,
        started_at -> Nullable<Timestamp>,
        finished_at -> Nullable<Timestamp>,
        exit_code -> Nullable<BigInt>,
        cpu_ms -> Nullable<BigInt>,
        max_rss_kb -> Nullable<BigInt>,
        failure -> Nullable<Text>,
        work_id -> Nullable<Text>,
        dataset_id -> Nullable<Text>,
        log_bytes -> BigInt,
        lease_owner -> Nullable<Text>,
        lease_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    compute_job_logs (job_id, seq) {
        job_id -> Text,
        seq -> BigInt,
        chunk -> Text,
    }
}

diesel::table! {
    compute_workers (id) {
        id -> Text,
        executor -> Text,
        slots -> BigInt,
        started_at -> Timestamp,
        heartbeat_at -> Timestamp,
    }
}

diesel::allow_tables_to_appear_in_same_query!(engines, engine_versions, compute_jobs);
diesel::allow_tables_to_appear_in_same_query!(compute_jobs, compute_job_logs);

diesel::table! {
    desks (id) {
        id -> Text,
        kind -> Text,
        org_id -> Nullable<Text>,
        name -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    desk_agents (desk_id, account_id) {
        desk_id -> Text,
        account_id -> Text,
        assigned_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    tickets (id) {
        id -> Text,
        desk_id -> Text,
        escalated_from -> Nullable<Text>,
        requester_id -> Text,
        kind -> Text,
        category -> Text,
        subject -> Text,
        body -> Text,
        project_id -> Nullable<Text>,
        state -> Text,
        assignee_id -> Nullable<Text>,
        request_id -> Nullable<Text>,
        resolution -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        resolved_at -> Nullable<Timestamp>,
        closed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    ticket_participants (ticket_id, account_id) {
        ticket_id -> Text,
        account_id -> Text,
        added_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    ticket_events (id) {
        id -> Text,
        ticket_id -> Text,
        at -> Timestamp,
        author_id -> Text,
        kind -> Text,
        internal -> Bool,
        body -> Nullable<Text>,
        from_state -> Nullable<Text>,
        to_state -> Nullable<Text>,
        desk_id -> Nullable<Text>,
        assignee_id -> Nullable<Text>,
        message_id -> Nullable<Text>,
        participant_id -> Nullable<Text>,
    }
}

diesel::table! {
    ticket_attachments (id) {
        id -> Text,
        ticket_id -> Text,
        event_id -> Text,
        name -> Text,
        size -> BigInt,
        sha256 -> Text,
        content_type -> Text,
        object_key -> Text,
        uploaded_by -> Text,
        internal -> Bool,
        created_at -> Timestamp,
    }
}

diesel::joinable!(desk_agents -> desks (desk_id));
diesel::joinable!(desk_agents -> users (account_id));
diesel::joinable!(ticket_events -> tickets (ticket_id));
diesel::joinable!(ticket_participants -> tickets (ticket_id));
diesel::joinable!(ticket_attachments -> tickets (ticket_id));
diesel::allow_tables_to_appear_in_same_query!(
    desks,
    desk_agents,
    tickets,
    ticket_events,
    ticket_participants,
    ticket_attachments,
    users
);
diesel::allow_tables_to_appear_in_same_query!(desks, organizations);
diesel::allow_tables_to_appear_in_same_query!(desks, memberships);
diesel::allow_tables_to_appear_in_same_query!(desk_agents, memberships);
diesel::allow_tables_to_appear_in_same_query!(tickets, projects);
diesel::allow_tables_to_appear_in_same_query!(tickets, approval_requests);

diesel::table! {
    server_secrets (name) {
        name -> Text,
        secret -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// The knowledge base (kb). PostgreSQL also has a generated `search`
    /// tsvector that only `kb::search` names; SQLite keeps `kb_fts` (FTS5)
    /// in step by triggers.
    kb_articles (id) {
        id -> Text,
        title -> Text,
        body -> Text,
        body_text -> Text,
        service -> Nullable<Text>,
        state -> Text,
        source_ticket_id -> Nullable<Text>,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        published_at -> Nullable<Timestamp>,
    }
}
