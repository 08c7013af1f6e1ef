## サービスカタログと注文 (issue 16)
catalog-id-taken = この ID の提供サービスはすでにあります（廃止された提供サービスも ID を保持します）。
catalog-field-invalid = { $detail }
orders-project-not-active = { $state ->
    [pending] プロジェクトはまだ承認待ちのため、注文を受け付けません。
    [rejected] プロジェクトは却下されたため、注文を受け付けません。
   *[closed] プロジェクトは終了しているため、注文を受け付けません。
}
orders-offering-unknown = この ID の提供サービスはカタログにありません。
orders-cancelled = この注文は取り消されています。
orders-subject = { $project } の { $offering }
