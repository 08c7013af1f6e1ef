# E-mails (issue 13 §2), one group per kind: `mail-<kind>-…`, laid out by
# api/templates/mail/<kind>.txt and .html. Plain text: the HTML part escapes it.

## Every e-mail

mail-hello = { $name } 様
mail-footer = このメッセージは Habilis から送信されました。このアドレスへの返信は確認されません。
mail-link-fallback = ボタンが機能しない場合は、次のアドレスをブラウザーに貼り付けてください。

## Names shown inside sentences

mail-profile = { $profile ->
    [novice] 初級研究者
    [confirmed] 中級研究者
    [expert] 上級研究者
    [admin] 管理者
    [webmaster] ウェブマスター
   *[public] 一般
}
mail-org-role = { $role ->
    [manager] 管理者
    [contributor] 貢献者
    [operator] オペレーター
   *[user] 利用者
}
mail-work-state = { $state ->
    [draft] 下書き
    [unpublished] 未公開
   *[published] 公開済み
}
mail-approver-role = { $role ->
    [sponsor] スポンサー
   *[data_steward] データ管理責任者
}

## activation

mail-activation-subject = 【Habilis】アカウントを有効化してください
mail-activation-created = Habilis にあなたのアカウントが作成されました。次のリンクを開いて有効化してください。リンクは 1 回限り、{ $until } まで有効です。
mail-activation-button = アカウントを有効化する
mail-activation-password = 初期パスワードは、アカウントを作成した担当者から直接お渡しします。メールでお送りすることはありません。初回ログイン時に新しいパスワードを設定していただきます。

## activation-outcome

mail-activation-outcome-subject = { $activated ->
    [true] 【Habilis】{ $name } さんのアカウントが有効化されました
   *[false] 【Habilis】{ $name } さんのアカウントを有効化できませんでした
}
mail-activation-outcome-body = { $activated ->
    [true] { $name } さん（{ $email }）の Habilis アカウントが有効化されました。
   *[false] { $name } さん（{ $email }）の Habilis アカウントを有効化できませんでした。リンクの有効期限が切れているか、すでに使用されています。
}

## promotion

mail-promotion-subject = 【Habilis】{ $name } さんが{ $profile }になりました
mail-promotion-body = { $name } さん（{ $email }）は Habilis で{ $from }から{ $to }に昇格しました。これまでの成果は引き続きご本人のものです。

## secondment

mail-secondment-subject = 【Habilis】{ $person } さんが { $host } さんのもとに出向します
mail-secondment-body = { $person } さんは { $starts } から { $ends } まで、{ $host } さんのもとに出向します。
mail-secondment-scope = この期間中、{ $host } さんは指導者と同様に { $person } さんの成果を閲覧できます。期間の終了後は、{ $person } さんが引き渡したものを除き、公開済みの成果のみ閲覧できます。

## org-joined

mail-org-joined-subject = 【Habilis】{ $org } に参加しました
mail-org-joined-body = { $inviter } さんが、あなたを{ $role }として { $org } に追加しました。

## org-invitation

mail-org-invitation-subject = 【Habilis】{ $org } への招待
mail-org-invitation-body = { $inviter } さんから、Habilis の { $org } に{ $role }として参加するよう招待が届いています。
mail-org-invitation-open = アカウントの作成後（作成は指導者が行います）、次のリンクを開いてください。
mail-org-invitation-button = 招待を承諾する
mail-org-invitation-expiry = リンクは 1 回限り有効で、{ $until } に期限が切れます。

## project-invitation

mail-project-invitation-subject = 【Habilis】プロジェクト「{ $project }」への参加
mail-project-invitation-body = { $inviter } さんから、Habilis のプロジェクト「{ $project }」への招待が届いています。
mail-project-invitation-pending = アカウントが作成されると（作成は指導者が行います）、アクセスできるようになります。

## approval-request

mail-approval-request-subject = 【Habilis】プロジェクト「{ $project }」があなたの承認を待っています
mail-approval-request-body = { $requester } さんが { $org } でプロジェクト「{ $project }」を申請し、あなたを{ $role }に指名しました。
mail-approval-request-inbox = 「承認」の受信箱からご判断ください。

## approval-decision

mail-approval-decision-subject = 【Habilis】プロジェクト「{ $project }」：{ $approver } さんが判断しました
mail-approval-decision-body = { $outcome ->
    [rejected] プロジェクト「{ $project }」：{ $approver } さんが却下しました。プロジェクトは却下されました。
    [approved] プロジェクト「{ $project }」：{ $approver } さんが承認しました。プロジェクトは有効になりました。
   *[awaiting] プロジェクト「{ $project }」：{ $approver } さんが承認しました。もう 1 件の承認を待っています。
}
mail-approval-decision-comment = コメント：{ $comment }

## order-request

mail-order-request-subject = 【Habilis】プロジェクト「{ $project }」の「{ $offering }」の注文があなたの承認を待っています
mail-order-request-body = { $requester } さんが、あなたが{ $role }を務めるプロジェクト「{ $project }」のために「{ $offering }」を注文しました。

## order-decision

mail-order-decision-subject = 【Habilis】プロジェクト「{ $project }」の「{ $offering }」の注文：{ $approver } さんが判断しました
mail-order-decision-body = { $outcome ->
    [rejected] プロジェクト「{ $project }」の「{ $offering }」の注文：{ $approver } さんが却下しました。注文は却下されました。
    [approved] プロジェクト「{ $project }」の「{ $offering }」の注文：{ $approver } さんが承認しました。注文は承認され、サービスを起動できます。
   *[awaiting] プロジェクト「{ $project }」の「{ $offering }」の注文：{ $approver } さんが承認しました。もう 1 件の承認を待っています。
}

## work-transfer

mail-work-transfer-subject = 【Habilis】{ $giver } さんから成果が引き渡されました
mail-work-transfer-body = { $giver } さんから成果「{ $title }」（{ $state }）が引き渡されました。今後はあなたの成果です。

## departure-notice

mail-departure-notice-subject = 【Habilis】あと { $days } 日でアカウントが閉鎖されます
mail-departure-notice-body = お使いの Habilis アカウントは { $date } に閉鎖されます。その際、成果は { $receiver } さんに引き継がれます（下書き { $drafts } 件、未公開 { $unpublished } 件、公開済み { $published } 件）。
mail-departure-notice-publish = それまでの間、下書きを公開できます。
mail-departure-notice-publish-or-delete = それまでの間、下書きを公開または削除できます。

## departure-done

mail-departure-done-subject = 【Habilis】{ $name } さんが Habilis を離れました
mail-departure-done-body = { $name } さんが Habilis を離れました。
mail-departure-done-works = 同氏の成果 { $works } 件は、今後あなたのものになります。
mail-departure-done-people = 同氏が指導していた { $subordinates } 人を、今後はあなたが指導します。

## inactivity-warning

mail-inactivity-warning-subject = 【Habilis】アカウントが長期間使用されていません
mail-inactivity-warning-body = 長期間 Habilis にログインされていません。{ $until } までにログインしない場合、アカウントはブロックされます（削除はされません）。

## password-reset

mail-password-reset-subject = 【Habilis】新しいパスワードの設定
mail-password-reset-body = あなたの Habilis アカウントについて、新しいパスワードの設定が請求されました。次のリンクを開いて設定してください。リンクは 1 回限り、{ $until } まで有効です。
mail-password-reset-button = 新しいパスワードを設定する
mail-password-reset-ignore = お心当たりがない場合は、このメールを無視してください。パスワードは変更されません。

## password-changed

mail-password-changed-subject = 【Habilis】パスワードが変更されました
mail-password-changed-body = 再設定リンクにより、あなたの Habilis アカウントのパスワードが変更されました。アカウントのすべてのセッションと API トークンは無効になりました。
mail-password-changed-warning = お心当たりがない場合は、すぐに新しいパスワードを請求し、管理者にお知らせください。

## email-changed

mail-email-changed-subject = 【Habilis】メールアドレスが変更されました
mail-email-changed-body = { $name } さんの Habilis アカウントのメールアドレスが { $old } から { $new } に変更されました。今後は新しいアドレスでログインしてください。
mail-email-changed-warning = 誤りである場合は、アカウントを管理している担当者または管理者にご連絡ください。

## instance-idle

mail-instance-idle-subject = 【Habilis】サービス { $instance } が使用されていません
mail-instance-idle-body = サービス { $instance } は長期間使用されていません。維持しない場合、{ $until } に停止されます:
mail-instance-idle-button = 実行を続ける
mail-instance-idle-lost = 停止後、猶予期間を経てそのデータ (作業ディレクトリ内のデータベース、ノートブック、ファイル) は削除されます。

## instance-lost

mail-instance-lost-subject = 【Habilis】サービス { $instance } が予期せず停止しました
mail-instance-lost-body = サービス { $instance } のプロセスが見つかりません (サーバーの再起動後など)。「失われた」状態となり、プロジェクトの使用量には計上されなくなりました。
mail-instance-lost-button = マイサービスを見る

## ticket-update

mail-ticket-update-subject = Habilis サポート [{ $reference }]: { $subject }
mail-ticket-update-body = { $update ->
    [created] チケット「{ $subject }」を受け付けました。窓口の担当者が対応します。
    [awaiting_approval] リクエスト「{ $subject }」は担当者の対応前に承認を待っています。
    [approved] { $author } さんがリクエスト「{ $subject }」を承認しました。オープンになりました。
    [rejected] { $author } さんがリクエスト「{ $subject }」を却下しました。クローズされました。
    [assigned] { $author } さんがチケット「{ $subject }」を担当します。
    [escalated] チケット「{ $subject }」は { $author } さんによりグループ窓口へエスカレーションされました。
    [resolved] { $author } さんがチケット「{ $subject }」を解決しました。問題が続く場合は再オープンしてください。
    [reopened] チケット「{ $subject }」は { $author } さんにより再オープンされました。
    [closed] チケット「{ $subject }」は { $author } さんによりクローズされました。
    [attached] { $author } さんがチケット「{ $subject }」にファイルを添付しました:
    [followed] { $author } さんがあなたをチケット「{ $subject }」の参加者に追加しました。更新のお知らせが届き、返信もできます。
   *[comment] { $author } さんがチケット「{ $subject }」に書き込みました:
}
mail-ticket-update-reply = このメールに返信すると、チケットにコメントが追加されます。

## ticket-approval

mail-ticket-approval-subject = Habilis: { $requester } さんのサポートリクエストが承認を待っています
mail-ticket-approval-body = { $requester } さんが「{ $subject }」（カテゴリ { $category }）を依頼しています。{ $role ->
    [sponsor] プロジェクトのスポンサー
   *[supervisor] 上長
}として、承認画面で承認または却下してください。
