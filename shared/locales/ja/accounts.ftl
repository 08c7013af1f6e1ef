# accounts
accounts-email-domain = メールアドレスは機関のドメイン（{ $domains }）である必要があります。
accounts-email-taken = このメールアドレスのアカウントはすでに存在します。
accounts-profile-limit = プロファイル { $profile } のアカウントは最大 { $limit } 件までです。
accounts-admin-exists = 管理者アカウントはすでに存在します。bootstrap-admin は最初の 1 件のみを作成します。
accounts-no-supervisor-for-profile = プロファイル { $profile } のアカウントには指導者がいません。
accounts-supervisor-outside-line = 指導者はご自身か、ご自身が指導している方である必要があります。
accounts-supervisor-not-eligible = プロファイル { $profile } のアカウントは、プロファイル { $profiles } の有効なアカウントが指導する必要があります。
accounts-wrong-state = このアカウントは{ $state ->
    [created] まだ有効化されていません
    [active] 有効です
    [departing] 退職予定です
    [blocked] ブロックされています
    [deleted] 閉鎖されています
   *[other] { $state } です
}。
accounts-charter-version = 現行の憲章のバージョンは { $current } です。
accounts-too-many-tokens = 有効なトークンは最大 { $max } 件までです。先にいずれかを取り消してください。
accounts-no-promotion = プロファイル { $profile } には昇格がありません。
accounts-changed-meanwhile = その間にアカウントが変更されました。再読み込みしてからもう一度お試しください。
accounts-search-too-long = { $max } 文字以内で入力してください。
accounts-secondment-empty = 出向の開始日時より後である必要があります。
accounts-secondment-over = この期間はすでに終了しています。
accounts-secondment-host-unknown = そのアカウントは存在しません。
accounts-secondment-host-missing = 受け入れ先をアカウントまたはメールアドレスのどちらか一方で指定してください。
accounts-secondment-host-not-eligible = 受け入れ先は、プロファイル { $profile } を指導できる別の有効なアカウントである必要があります（現在の指導者は除きます）。
accounts-secondment-overlap = この方は、この期間の一部ですでに出向しています。
accounts-seat-never-deleted = プロファイル { $profile } のアカウントは削除されません。代わりに役職を引き継いでください。
accounts-heir-required = プロファイル { $profile } のアカウントの退職には後継者が必要です。
accounts-heir-no-supervisor = この方には指導者がいません。後継者を指定してください。
accounts-heir-not-eligible = 後継者は、プロファイル { $profiles } の別の有効なアカウントである必要があります。
accounts-departure-date-past = 退職日は将来の日付である必要があります。
accounts-departure-exists = この方の退職はすでに予定されています。
accounts-already-left = この方はすでに退職しています。
accounts-seat-handed-over = この役職はすでに引き継がれています。
accounts-already-activated = このアカウントはすでに有効化されています。新しい有効化リンクは、一度も有効化されていないアカウントにのみ送信できます。
accounts-field-blank = 空欄にはできません。
