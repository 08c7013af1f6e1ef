# auth
auth-activation-unknown = この有効化リンクは無効です。
auth-activation-used = この有効化リンクはすでに使用されています。
auth-activation-expired = この有効化リンクは期限切れです。アカウントを作成した人に新しいリンクを依頼してください。
auth-token-invalid = この API トークンは無効です。
auth-token-revoked = この API トークンは取り消されたか、期限切れです。
auth-access-token-invalid = アクセストークンが無効か期限切れです。再度サインインするか、更新してください。
auth-session-ended = セッションは終了しました。再度サインインしてください。
auth-account-unusable = このアカウントはブロックされているか、閉鎖されています。
auth-account-state = このアカウントは{ $state ->
    [blocked] ブロックされています
    [departed] 閉鎖されています
   *[other] { $state } です
}。管理者に連絡してください。
auth-token-read-only = この API トークンは読み取り専用です。変更するには書き込み権限のあるトークンを作成してください。
auth-password-change-first = まず新しいパスワードを設定してください。初期パスワードは変更が必要です。
auth-bearer-missing = まずサインインしてください。リクエストに Authorization: Bearer トークンがありません。
auth-bearer-malformed = Authorization ヘッダーの形式が正しくありません。
auth-bearer-expected = Authorization: Bearer トークンが必要です。
auth-locked-out = サインインの失敗が多すぎます。しばらくしてから再試行してください。
auth-credentials-invalid = メールアドレスまたはパスワードが正しくありません。
auth-refresh-missing = リフレッシュトークンが指定されていません。
auth-refresh-invalid = このリフレッシュトークンは無効です。
auth-refresh-reused = このリフレッシュトークンはすでに使用されました。安全のためセッションを終了しました。再度サインインしてください。
auth-password-too-short = { $min } 文字以上にしてください。
auth-password-same = 現在のパスワードと異なるものにしてください。
auth-password-is-email = メールアドレスと同じにはできません。
auth-password-incorrect = パスワードが正しくありません。
auth-activation-required = ログインする前に、メールで届いた有効化リンクを開いてください。期限が切れている場合は、アカウントを作成した担当者に新しいリンクの送信を依頼してください。
auth-reset-unknown = このパスワード再設定リンクは無効です。
auth-reset-used = このパスワード再設定リンクは使用済みです。新しいリンクを請求してください。
auth-reset-expired = このパスワード再設定リンクの期限が切れています。新しいリンクを請求してください。
auth-reset-locked-out = パスワード再設定の請求が多すぎます。しばらくしてから再度お試しください。
