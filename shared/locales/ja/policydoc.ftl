## ポリシーリファレンス (`habilis policy doc`、shared/src/policy/doc.rs):
## 見出し、列名、操作コードごとの 1 行の説明。

policydoc-title = ポリシーリファレンス
policydoc-intro = サーバーが適用しているポリシー文書（形式バージョン { $version }、誓約バージョン { $charter }）を `habilis policy doc` が書き出したものです。`等幅` のコードは文書（`habilis policy print`）と `POST /api/v1/authz/check` で使うコードです。このファイルは手で編集せず、ポリシー文書を変更してから再生成してください。
policydoc-profile = { $profile ->
    [public] 匿名の訪問者
    [novice] 初級研究者
    [confirmed] 中級研究者
    [expert] 上級研究者
    [admin] 管理者
   *[webmaster] ウェブマスター
}
policydoc-nobody = なし
policydoc-yes = はい
policydoc-no = いいえ
policydoc-from-line = 指導系統の上位者から
policydoc-seat-handover = 削除されず、席が引き継がれる
policydoc-profiles = プロファイル
policydoc-profiles-intro = すべてのアカウントは 1 つのプロファイルを持ちます。匿名の訪問者（`public`）にはアカウントがありません。「指導者」はこのプロファイルのアカウントを指導できるプロファイルです。席は削除されず、新しい方に引き継がれるだけです。
policydoc-col-code = コード
policydoc-col-name = プロファイル
policydoc-col-limit = 上限
policydoc-col-supervisors = 指導者
policydoc-col-seat = 席
policydoc-creation = 誰が誰のアカウントを作成できるか
policydoc-creation-intro = 行のプロファイルは ✓ の付いた列のアカウントを作成できます。管理者は誰も作成できません。最初の管理者はインストール時に作成されます（`habilis bootstrap-admin`）。
policydoc-habilitation = 誰が誰に権限を付与できるか
policydoc-habilitation-intro = 行のプロファイルは ✓ の付いた列に権限を付与できます。
policydoc-col-by-for = 作成者 \ 対象
policydoc-capabilities = 権限
policydoc-capabilities-intro = 各プロファイルにできること。{ $yes } は可、{ $no } は不可、{ $provisional } は機関がまだ確定していない暫定値です。組織内の役割が、プロファイルで禁止されていることを許可することはありません。
policydoc-col-capability = 権限
policydoc-lifecycle = 昇格と離任
policydoc-col-profile = プロファイル
policydoc-col-promoted-to = 昇格先
policydoc-col-promoted-by = 昇格させる人
policydoc-col-departure-by = 離任を予定する人
policydoc-col-heir-required = 後継者が必須
policydoc-works = 研究成果物を記録できるのは { $create } です。自分の成果物を削除できるのは { $delete } です（それ以外の人の成果物は、離任時に指導者へ引き継がれます）。
policydoc-administration = 管理
policydoc-col-right = 権利
policydoc-col-profiles = プロファイル
policydoc-admin-block_accounts = アカウントのブロックと解除
policydoc-admin-read_audit = 監査ログの閲覧
policydoc-admin-see_all_accounts = 自分の階層だけでなく、すべてのアカウントの閲覧
policydoc-admin-read_personal_data = 全員の個人情報の閲覧
policydoc-admin-handover_seats = 管理者またはウェブマスターの席を新しい方に引き継ぐ
policydoc-admin-notified_of_activations = アカウントが有効化されたとき、またはリンクが期限切れになったときにメールで通知を受ける
policydoc-admin-organizations_administer = 組織の作成と、すべての組織のメンバー管理（研究内容には触れない）
policydoc-visibility = 閲覧範囲の設定
policydoc-visibility-intro = 誰でも自分の成果物と活動を閲覧でき、指導者は指導下のメンバーを閲覧できます。それ以外はこれらの設定で決まります。
policydoc-col-switch = 設定
policydoc-col-meaning = 意味
policydoc-col-value = 値
policydoc-switch-expert_sees_confirmed_drafts = 上級研究者は指導する中級研究者の下書きと未公開の成果物を閲覧できる
policydoc-switch-admin_sees_works = 管理者は研究成果物を閲覧できる
policydoc-switch-admin_sees_all_activity_logs = 管理者はすべての研究者の活動ログを閲覧できる
policydoc-switch-webmaster_reads_everything = ウェブマスターはすべてを閲覧できる（読み取り専用）
policydoc-switch-supervisors_see_professional_email_only = 指導者が閲覧できる個人情報は業務用メールアドレスのみ
policydoc-switch-confirmed_sees_novice_drafts = 中級研究者の指導者は指導する初級研究者の下書きと未公開の成果物を閲覧できる
policydoc-switch-supervisors_see_subordinate_activity = 指導者は指導下のメンバーの活動ログを閲覧できる
policydoc-switch-secondment_host_sees_period_work = 出向先の指導者は出向期間中の成果物を閲覧できる
policydoc-organisations = 組織内の役割
policydoc-organisations-intro = 各役割が組織内でできること（{ $yes } は可、{ $no } は不可）。最後の列は、メンバーのプロファイルにも必要な権限です。
policydoc-col-org-capability = 組織内の操作
policydoc-col-requires = 必要な権限
policydoc-organisations-missing = 誰にも与えられていないもの（文書にない）: { $list }。
policydoc-organisations-settings = プロジェクトに指定できる研究分野: { $domains }。一括招待は 1 回につき最大 { $max } 件のアドレスまでで、招待リンクの有効期間は { $days } 日です。
policydoc-services = サービスカタログとインスタンス
policydoc-services-settings = サービスカタログを管理するプロファイル: { $profiles }。アイドル状態のインスタンスの所有者には、活動がないまま { $notice } 時間経つと通知され、{ $purge } 時間でインスタンスが停止され、その { $grace } 時間後に削除されます。実行中のインスタンスは 1 人あたり最大 { $per_user } 件、1 プロジェクトあたり最大 { $per_project } 件です（提供サービスごとの上限も適用されます）。
policydoc-kb = ナレッジベース
policydoc-kb-settings = アカウントなしで読める公開記事: { $public }。サポート窓口の担当者は下書きを読み、記事を作成・公開・削除します。担当者でなくても次のプロファイルは同じことができます: 下書きの閲覧 { $drafts }、記事の作成 { $write }。
policydoc-priority = 処理の優先度
policydoc-priority-intro = 順位の高いものから先に処理されます。上限はプラットフォームが空いているときにも適用されます。
policydoc-col-rank = 順位
policydoc-col-access = リソースの優先度
policydoc-col-max-running = 最大同時実行ジョブ数
policydoc-col-max-share = 最大占有率
policydoc-col-quota = ストレージ容量 (GB)
policydoc-access = { $access ->
    [none] なし
    [partial] 部分的
   *[total] 全面的
}
policydoc-precedence = 優先順位の組（上位 > 下位）: { $pairs }。
policydoc-accounts = アカウントとサインイン
policydoc-accounts-domains = 許可されたメールドメイン: { $list }。
policydoc-accounts-activation = 有効化リンクの有効期間は { $days } 日です。
policydoc-accounts-password = パスワードは { $length } 文字以上です。
policydoc-accounts-inactivity = { $days } 日間サインインのないアカウントは見直しの対象となり、警告の { $grace } 日後に無効化されます。
policydoc-accounts-departure-warnings = 離任の警告は次の日数前に送られます: { $list }。
policydoc-accounts-tokens = アクセストークンの有効期間は { $minutes } 分、セッション（リフレッシュトークン）は { $days } 日です。
policydoc-accounts-lockout = { $window } 分以内に { $failures } 回サインインに失敗すると、アカウントは { $minutes } 分間ロックされます。
policydoc-actions = 操作コード
policydoc-actions-intro = ポリシーが判定するすべての操作です。`POST /api/v1/authz/check` と監査ログではこのコードで示されます。
policydoc-col-action = 操作
policydoc-col-description = 許可される内容
policydoc-action-capability = { $capability ->
    [CharterSign] 機密保持誓約に署名する
    [ResultsRead] 機密性の高い研究結果を閲覧する
    [DataDownload] 機密データをダウンロードする
    [ResultsCreate] 機密性の高い結果を作成する
    [ResultsPublish] 機密性の高い結果を公開する
    [ResultsModify] 機密性の高い結果を変更・注釈する
    [EngineRun] 計算エンジンを実行する（コードは変更しない）
    [EngineModify] 計算エンジンのコードを変更する
   *[EngineCreate] 新しい計算エンジンを作成する
}
policydoc-action-org = { $capability ->
    [ProjectsReadAll] 組織のすべてのプロジェクトを閲覧する
    [ProjectsReadGranted] アクセスを許可されたプロジェクトを閲覧する
    [ProjectsReadNames] アクセスを許可されたプロジェクトの名前を閲覧する
    [ProjectsManage] プロジェクトを作成・名前変更・編集・終了・削除する
    [MembersManage] メンバーの招待と削除、役割の変更、ブロック
    [MembersExport] メンバーを CSV で書き出す
    [ProjectsAccess] プロジェクトにアクセスできる人を管理する
    [FilesUpload] プロジェクトのデータセットにファイルをアップロードする
    [DatasetsDownload] データセットをダウンロードする
    [ProcessingLaunch] 処理を実行し、高度な解析を依頼する
    [Annotate] 注釈を付ける
   *[FilesDelete] データセットのファイルを削除する
}
policydoc-action-user-create = { policy-target-accounts }を作成する
policydoc-action-user-habilitate = { policy-target-accounts }に権限を付与する
policydoc-action-work-state = { $state ->
    [draft] 成果物を下書きに戻す
    [unpublished] 自分の下書きを未公開にする
   *[published] 自分の未公開の成果物を公開する
}
policydoc-action-user-list = 閲覧できるアカウントを一覧表示する
policydoc-action-user-read = アカウントを閲覧する
policydoc-action-user-read_personal = アカウントの個人情報を閲覧する
policydoc-action-user-block = アカウントをブロックする
policydoc-action-user-unblock = アカウントのブロックを解除する
policydoc-action-audit-read = 監査ログを閲覧する
policydoc-action-policy-read = ポリシーを閲覧する
policydoc-action-authz-check = ポリシーに判定を問い合わせる
policydoc-action-me-read = 自分のアカウントを閲覧する
policydoc-action-me-update = 自分のアカウントを更新する（言語、日付形式、電話番号、誓約）
policydoc-action-me-tokens = 自分の個人用 API トークンを管理する
policydoc-action-auth-password = 自分のパスワードを変更する
policydoc-action-work-create = 成果物（下書き）を記録する
policydoc-action-work-read = 成果物を閲覧する
policydoc-action-work-delete = 成果物を削除する
policydoc-action-work-annotate = 成果物に注釈を付ける
policydoc-action-activity-read = 人の活動ログを閲覧する
policydoc-action-user-promote = 人を 1 段階昇格させる
policydoc-action-user-depart = 人の離任を予定する
policydoc-action-user-handover = 管理者またはウェブマスターの席を新しい方に引き継ぐ
policydoc-action-user-second = 人の出向を手配する
policydoc-action-work-transfer = 成果物を他の人に譲る
policydoc-action-work-file = 自分の成果物をプロジェクトに登録する、または登録を外す
policydoc-action-project-works = プロジェクトに成果物を登録する
policydoc-action-user-edit = アカウントの氏名とメールアドレスを訂正する
policydoc-action-user-activation = 未有効化のアカウントに新しい有効化リンクを送る
policydoc-action-org-list = 所属する組織を一覧表示する
policydoc-action-project-list = 閲覧できるプロジェクトを一覧表示する
policydoc-action-approval-list = 自分の承認依頼と判断を一覧表示する
policydoc-action-work-list = 閲覧できる成果物を一覧表示する
policydoc-action-invitation-accept = 組織への招待を受け入れる
policydoc-action-auth-logout = サインアウトする
policydoc-action-org-create = 組織を作成する
policydoc-action-project-read = プロジェクトを閲覧する
policydoc-action-project-read_name = プロジェクトの名前を閲覧する
policydoc-action-project-manage = プロジェクトを管理する（編集、終了、削除）
policydoc-action-project-participants = プロジェクトの参加者を招待・取り消す
policydoc-action-approval-decide = スポンサーまたはデータ管理責任者としてプロジェクトを承認・却下する
policydoc-action-dataset-read = データセットを閲覧し、ファイルを一覧する
policydoc-action-dataset-manage = プロジェクトのデータセットを作成・名前変更・削除する
policydoc-action-file-upload = データセットにファイルをアップロードする
policydoc-action-file-download = データセットのファイルをダウンロードする
policydoc-action-file-delete = データセットのファイルを削除する
policydoc-action-catalog-read = サービスカタログを閲覧する
policydoc-action-catalog-manage = カタログの提供サービスを追加・変更・廃止する
policydoc-action-order-create = プロジェクトのためにサービスを注文する
policydoc-action-order-read = プロジェクトの注文を閲覧する
policydoc-action-order-manage = 注文を変更・取消する
policydoc-action-instance-launch = 承認済みの注文のインスタンスを起動する
policydoc-action-instance-read = 実行中のサービスを閲覧する
policydoc-action-instance-manage = 実行中のサービスを停止・削除・保持する
policydoc-action-engine-list = 計算エンジンの一覧を閲覧する
policydoc-action-queue-read = ランク別の計算キューを見る
policydoc-action-job-submit = プロジェクトでエンジンを実行する
policydoc-action-job-read = 計算ジョブを見る
policydoc-action-job-cancel = 計算ジョブを取り消す
policydoc-action-desk-list = サポート窓口を一覧する
policydoc-action-desk-read = サポート窓口を閲覧する
policydoc-action-desk-agents-manage = 窓口の担当者を指名・解除する
policydoc-action-desk-agents-read = 窓口の担当者を閲覧する
policydoc-action-ticket-create = 窓口にサポートチケットを起票する
policydoc-action-ticket-list = 自分のチケットと窓口のキューを一覧する
policydoc-action-ticket-read = サポートチケットと履歴を閲覧する
policydoc-action-ticket-comment = サポートチケットにコメントする
policydoc-action-ticket-work = チケットを処理する：内部メモ、割り当て、エスカレーション、解決
policydoc-action-ticket-settle = 解決済みチケットをクローズ・再オープンする
policydoc-action-ticket-participants = チケットの参加者を追加・削除する
policydoc-support = サポート窓口
policydoc-support-settings = 依頼者の上長（またはチケットが指定するプロジェクトのスポンサー）が先に承認するリクエストのカテゴリ: { $categories }。インシデントは承認待ちになりません。グループ窓口の担当者を指名するプロファイル: { $profiles }。
policydoc-support-attachments = 1 件のチケットに添付できるファイルは最大 { $count } 件、1 件あたり最大 { $bytes } バイト（約 { $mib } MiB）です。
policydoc-support-none = なし
policydoc-action-kb-read = ナレッジベースの公開記事を読む
policydoc-action-kb-read_drafts = ナレッジベースの下書き記事を読む
policydoc-action-kb-write = ナレッジベースの記事を作成・公開・削除する
