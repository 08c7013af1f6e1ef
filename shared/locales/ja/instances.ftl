# 注文したサービスの稼働中インスタンス (issue 16)
instances-order-not-approved = { $state ->
    [pending] この注文はまだ承認待ちです。まだ起動できません。
    [rejected] この注文は却下されました。起動できません。
   *[cancelled] この注文は取り消されました。起動できません。
}
instances-spawner-unavailable = このサービスはまだこのサーバーでは実行できません。注文は有効なままです。
instances-config-invalid = { $reason }
instances-config-object = 設定は JSON オブジェクトです。
instances-schema-broken = このサービスの設定スキーマは使用できません: { $reason }
instances-configuration-unknown = このサービスについて、この ID の保存済み設定はありません。
instances-configuration-name-taken = この名前の保存済み設定がすでにあります。
instances-offering-unknown = この ID のサービスはカタログにありません。
instances-limit-user = すでに { $limit } 個のインスタンスを実行しています。1 人が同時に実行できる上限です。先に 1 つ削除してください。
instances-limit-project = このプロジェクトはすでに { $limit } 個のインスタンスを実行しています。プロジェクトの上限です。
instances-limit-offering-user = このサービスのインスタンスをすでに { $limit } 個実行しています。1 人あたりの上限です。
instances-limit-offering-project = このプロジェクトはこのサービスのインスタンスをすでに { $limit } 個実行しています。プロジェクトあたりの上限です。
instances-name-taken = このプロジェクトには同じ名前のインスタンスがすでにあります。
instances-confirm-mismatch = 削除を確認するには、インスタンス名を正確に入力してください。何も停止されていません。
instances-wrong-state = { $state ->
    [starting] このインスタンスは起動中です。
    [running] このインスタンスは実行中です。
    [stopping] このインスタンスはすでに停止処理中です。
    [stopped] このインスタンスは停止しています。
    [failed] このインスタンスは失敗しました。
   *[lost] このインスタンスは失われました。
}
instances-usage-time-invalid = RFC 3339 形式の日時を指定してください (例: 2026-12-01T00:00:00Z)。
instances-usage-window-empty = 期間の終わりは始まりより後にしてください。
