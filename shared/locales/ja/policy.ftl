# policy: ポリシー判定の理由 (shared/src/policy/decide.rs)。
# 引数はコード: $profile・$target・$to はプロファイル、$capability は権限名 (ResultsRead)、
# $action は操作、$role は組織内の役割、$allowed は "yes" または "no"。

## コードから選ぶ語。下のメッセージから参照する。

policy-profiles = { $profile ->
    [public] 匿名の訪問者
    [novice] 初級研究者
    [confirmed] 中級研究者
    [expert] 上級研究者
    [admin] 管理者
   *[webmaster] ウェブマスター
}
policy-profiles-subject = { $profile ->
    [public] 匿名の訪問者
    [novice] 初級研究者
    [confirmed] 中級研究者
    [expert] 上級研究者
    [admin] 管理者
   *[webmaster] ウェブマスター
}
policy-target-accounts = { $target ->
    [novice] 初級研究者のアカウント
    [confirmed] 中級研究者のアカウント
    [expert] 上級研究者のアカウント
    [admin] 管理者のアカウント
    [public] 一般のアカウント
   *[webmaster] ウェブマスターのアカウント（合計 2 件まで）
}
policy-to = { $to ->
    [novice] 初級研究者
    [confirmed] 中級研究者
    [expert] 上級研究者
    [admin] 管理者
    [public] 一般
   *[webmaster] ウェブマスター
}
policy-capability-phrase = { $capability ->
    [CharterSign] 機密保持誓約に署名する
    [ResultsRead] 機密性の高い研究結果を閲覧する
    [DataDownload] 機密データをダウンロードする
    [ResultsCreate] 機密性の高い結果を作成する
    [ResultsPublish] 機密性の高い結果を公開する
    [ResultsModify] 機密性の高い結果を変更・注釈する
    [EngineRun] 計算エンジンを実行する
    [EngineModify] 計算エンジンのコードを変更する
   *[EngineCreate] 計算エンジンを作成する
}
policy-role = { $role ->
    [manager] マネージャー
    [contributor] コントリビューター
    [user] ユーザー
   *[operator] オペレーター
}
policy-may = { $allowed ->
    [yes] できます
   *[no] できません
}

## 理由。

policy-as-received = { $text }
policy-read = 匿名の訪問者を含め、どなたでもポリシーを閲覧できます。
policy-public-no-account = 匿名の訪問者はポリシーの閲覧のみ可能です。その他の操作にはサインインしてください。
policy-charter-required = 先に機密保持誓約に同意してください。
policy-charter-required-for = 先に機密保持誓約に同意してください。{ policy-profiles }は、誓約に同意した後で「{ policy-capability-phrase }」ことができます。
policy-target-missing = 操作 { $action } は対象ごとに判定されますが、対象が指定されていません。
policy-account-holder = アカウントをお持ちの方は、どなたでも{ $what ->
    [list] 閲覧可能なアカウントを一覧表示
    [check] ポリシーに判定を問い合わせ
    [read] ご自身のアカウントを閲覧
    [update] ご自身のアカウントを更新
    [tokens] 個人用 API トークンを管理
    [orgs] 所属する組織を一覧表示
    [projects] 知ることのできるプロジェクトを一覧表示
    [approvals] 自分の承認を一覧表示
    [works] 閲覧できる成果物を一覧表示
    [invitation] 自分のアドレスに送られた招待を承諾
    [logout] サインアウト
    [catalog] サービスカタログを閲覧
    [engines] 計算エンジンを一覧
    [queue] ランク別の計算キューを閲覧
    [desks] 利用できるサポート窓口を一覧
    [tickets] 閲覧できるサポートチケットを一覧
   *[password] パスワードを変更
}できます。
policy-capability = { $allowed ->
    [yes] { policy-profiles-subject }は「{ policy-capability-phrase }」ことができます。
   *[no] { policy-profiles-subject }は「{ policy-capability-phrase }」ことができません。ポリシーがこの権限を与えるプロファイルのみ可能です。
}
policy-capability-provisional = { $allowed ->
    [yes] { policy-profiles-subject }は「{ policy-capability-phrase }」ことができます（暫定: 機関による確認待ち）。
   *[no] { policy-profiles-subject }は「{ policy-capability-phrase }」ことができません（暫定: 機関による確認待ち）。
}
policy-capability-unassigned = ポリシーは「{ policy-capability-phrase }」権限を誰にも与えていません。
policy-works-create = { $allowed ->
    [yes] { policy-profiles-subject }は成果物を登録できます。
   *[no] { $profile ->
        [novice] { policy-profiles-subject }は成果物を手動で登録できません。成果物は自分の計算ジョブが残す下書きです。
       *[other] { policy-profiles-subject }は成果物を登録できません。成果物を登録するのは研究者です。
    }
}
policy-work-owner = ご自身の成果物は常に閲覧できます。
policy-work-admin = 管理者は成果物を閲覧できません（公開済みのものも含みます）。
policy-work-webmaster = ウェブマスターはすべての状態の成果物を閲覧できます。
policy-work-published = 公開済みの成果物は、機密性の高い結果を閲覧できる方なら誰でも閲覧できます。
policy-work-private = 下書きと未公開の成果物は、所有者とその上位の指導者のみ閲覧できます。
policy-work-confirmed-novices = { $allowed ->
    [yes] 中級の指導者は、担当する初級研究者の下書きと未公開の成果物を閲覧できます。
   *[no] ポリシーにより、中級の指導者は担当する初級研究者の下書きを閲覧できません。
}
policy-work-expert-novices = 上級研究者は、配下の初級研究者の下書きと未公開の成果物を閲覧できます。
policy-work-expert-confirmed = { $allowed ->
    [yes] 上級研究者は、指導する中級研究者の下書きと未公開の成果物を閲覧できます。
   *[no] 上級研究者が閲覧できるのは、指導する中級研究者の公開済みの成果物のみです。
}
policy-work-private-profile = これらの下書きと未公開の成果物は、所有者とその上位の指導者のみ閲覧できます。
policy-work-owner-only = この操作（{ $action }）は成果物の所有者のみ行えます。
policy-work-delete-own = { $allowed ->
    [yes] { policy-profiles-subject }はご自身の成果物を削除できます。
   *[no] { policy-profiles-subject }はご自身の成果物を削除できません。成果物は指導者に引き継がれます。
}
policy-work-transfer = { $allowed ->
    [yes] 所有者は成果物を他の方に譲渡できます。
   *[no] 成果物を譲渡できるのは所有者のみです。
}
policy-work-file = { $allowed ->
    [yes] 所有者は成果物をプロジェクトに登録できます。
   *[no] 成果物をプロジェクトに登録できるのは所有者のみです。
}
policy-activity-myself = ご自身の活動記録は常に閲覧できます。
policy-activity-webmaster = ウェブマスターは全員の活動記録を閲覧できます。
policy-activity-admin = 管理者はすべての研究者の活動記録を閲覧できます。
policy-activity-supervisors = 指導者は配下の方の活動記録を閲覧できます。
policy-activity-private = 活動記録を閲覧できるのは、本人、その上位の指導者、および事務局のみです。
policy-departure-seat = { policy-profiles-subject }のアカウントは削除されません。その席は新しい方に引き継がれます。
policy-departure = { $allowed ->
    [yes] { policy-profiles }の退職は、ポリシーが定める作成系統が予定します。
   *[no] { policy-profiles }の退職を予定できるのは、ポリシーが定める作成系統のみです。
}
policy-secondment = { $allowed ->
    [yes] { policy-profiles }の出向は、上位の指導者が手配します。
   *[no] { policy-profiles }の出向を手配できるのは、上位の指導者のみです。
}
policy-handover-not-a-seat = { policy-profiles-subject }は引き継ぎではなく退職の手続きで離れます。
policy-handover = { $allowed ->
    [yes] { policy-profiles-subject }は管理者またはウェブマスターの席を引き継がせることができます。
   *[no] { policy-profiles-subject }は席を引き継がせることができません。ポリシーが定めるプロファイルが行います。
}
policy-promotion-none = { policy-profiles-subject }は昇格しません。
policy-promotion = { $allowed ->
    [yes] { policy-profiles-subject }は、あなたのプロファイルによって{ policy-to }に昇格できます。
   *[no] { policy-profiles-subject }を{ policy-to }に昇格できるのは、ポリシーが定めるプロファイルのみです。
}
policy-promotion-line = { $allowed ->
    [yes] { policy-profiles-subject }は、指導系統の上位にいるあなたによって{ policy-to }に昇格できます。
   *[no] { policy-profiles-subject }を{ policy-to }に昇格できるのは、指導系統の上位にいる、ポリシーが定めるプロファイルの方のみです。
}
policy-personal-myself = ご自身の個人情報は常に閲覧できます。
policy-personal-everyone = { policy-profiles-subject }は全員の個人情報を閲覧できます。
policy-personal-owner-only = 個人情報は本人のみ閲覧できます。指導者が閲覧できるのは業務用メールアドレスのみです。
policy-account-myself = ご自身のアカウントは常に閲覧できます。
policy-account-line = 指導系統にある方のアカウントは閲覧できます。
policy-account-subtree = 指導者は配下の方のアカウントを閲覧できます。
policy-account-everyone = { policy-profiles-subject }はすべてのアカウントを閲覧できます。
policy-account-other = { policy-profiles-subject }が閲覧できるのは、ご自身、指導系統にある方、および配下の方のアカウントのみです。
policy-block-self = ご自身のアカウントを{ $action ->
    [block] ブロック
   *[unblock] ブロック解除
}することはできません。
policy-block = { policy-profiles-subject }はアカウントを{ $action ->
    [block] ブロック
   *[unblock] ブロック解除
}{ policy-may }{ $allowed ->
    [yes] 。
   *[no] 。ポリシーが定めるプロファイルが行います。
}
policy-audit-read = { $allowed ->
    [yes] { policy-profiles-subject }は監査ログを閲覧できます。
   *[no] { policy-profiles-subject }は監査ログを閲覧できません。監査ログは事務局が閲覧します。
}
policy-approval-approver = { $allowed ->
    [yes] 申請で指定された承認者が判断します。
   *[no] 判断できるのは、申請で指定された承認者のみです。
}
policy-org-create = { $allowed ->
    [yes] { policy-profiles-subject }は組織を作成できます。
   *[no] { policy-profiles-subject }は組織を作成できません。組織は管理者が作成します。
}
policy-org-administer = { policy-profiles-subject }はすべての組織のメンバーを管理します。
policy-org-members-only = 組織内で操作できるのはその組織のメンバーのみです。
policy-org-role = { $allowed ->
    [yes] 組織でのあなたの役割（{ policy-role }）でこの操作（{ $action }）が可能です。
   *[no] 組織でのあなたの役割（{ policy-role }）ではこの操作（{ $action }）はできません。組織のマネージャーにご相談ください。
}
policy-org-profile-forbids = 組織の役割は、プロファイルで禁止されていることを許可しません。{ policy-profiles }は「{ policy-capability-phrase }」ことができません。
policy-project-read-managers = マネージャーは所属組織のすべてのプロジェクトを閲覧できます。
policy-project-read-answerable = プロジェクトの責任者、スポンサー、データ管理者はそのプロジェクトを閲覧できます。
policy-project-read-granted = メンバーはアクセスを許可されたプロジェクトを閲覧できます。
policy-project-read-denied = プロジェクトを閲覧できるのは、組織のマネージャー、プロジェクトの責任者、およびアクセスを許可された方のみです。
policy-project-read-name = { $allowed ->
    [yes] メンバーはアクセスを許可されたプロジェクトの名前を閲覧できます。
   *[no] プロジェクト名を閲覧できるのは、組織のマネージャー、プロジェクトの責任者、およびアクセスを許可された方のみです。
}
policy-project-manage = { $allowed ->
    [yes] マネージャーはプロジェクトの作成、名前の変更、削除、終了を行えます。
   *[no] プロジェクトの作成、名前の変更、削除、終了は、組織のマネージャーのみ行えます。
}
policy-project-works = { $allowed ->
    [yes] プロジェクトを閲覧でき、注釈の権限を持つメンバーは成果物をプロジェクトに登録できます。
   *[no] 成果物をプロジェクトに登録できるのは、プロジェクトを閲覧でき、注釈の権限を持つ役割のメンバーのみです。
}
policy-project-participants = { $allowed ->
    [yes] プロジェクトの責任者、スポンサー、データ管理者、マネージャーがアクセスできる方を決めます。
   *[no] プロジェクトにアクセスできる方を決められるのは、責任者、スポンサー、データ管理者、マネージャーのみです。
}
policy-never-admin = 管理者のアカウントは誰も{ $action ->
    [create] 作成
   *[habilitate] 権限付与
}できません。最初の管理者はインストール時に作成されます。
policy-never-public = 一般のアカウントは誰も{ $action ->
    [create] 作成
   *[habilitate] 権限付与
}できません。匿名の訪問者はアカウントを持ちません。
policy-matrix = { $allowed ->
    [yes] { policy-profiles-subject }は{ policy-target-accounts }を{ $action ->
        [create] 作成
       *[habilitate] 権限付与
    }できます。
   *[no] { policy-profiles-subject }は{ policy-target-accounts }を{ $action ->
        [create] 作成
       *[habilitate] 権限付与
    }できません。これを行えるプロファイルの方にご相談ください。
}
policy-identity = { $allowed ->
    [yes] { policy-profiles }の氏名とメールアドレスの修正、および新しい有効化リンクの送信は、作成系統と管理者が行います。
   *[no] { policy-profiles }の氏名とメールアドレスの修正、または新しい有効化リンクの送信ができるのは、上位の作成系統と管理者のみです。
}
policy-dataset-read = { $allowed ->
    [yes] プロジェクトを閲覧できる人は、そのデータセットとファイルを閲覧できます。
   *[no] プロジェクトのデータセットは、そのプロジェクトを閲覧できる人だけが閲覧できます。
}
policy-dataset-manage = { $allowed ->
    [yes] 組織の管理者とプロジェクトの責任者は、そのデータセットを作成・名前変更・削除できます。
   *[no] データセットの作成・名前変更・削除は、組織の管理者とプロジェクトの責任者だけができます。
}
policy-file-upload = { $allowed ->
    [yes] アップロードが許された役割のメンバーは、見えるプロジェクトのデータセットにファイルをアップロードできます。
   *[no] プロジェクトが見える管理者・貢献者・オペレーターだけが、そのデータセットにファイルをアップロードできます。
}
policy-file-download = { $allowed ->
    [yes] 役割とプロファイルが許すメンバーは、見えるプロジェクトのファイルをダウンロードできます。
   *[no] プロジェクトを閲覧でき、プロファイルがデータのダウンロードを許す管理者・貢献者・ユーザーだけが、そのファイルをダウンロードできます。
}
policy-file-delete = { $allowed ->
    [yes] プロジェクトを閲覧できる管理者と貢献者は、そのデータセットのファイルを削除できます。
   *[no] プロジェクトを閲覧できる管理者と貢献者だけが、そのデータセットのファイルを削除できます。
}
policy-catalog-manage = { $allowed ->
    [yes] { policy-profiles-subject }はサービスカタログの提供サービスを追加・変更・廃止できます。
   *[no] { policy-profiles-subject }はサービスカタログを変更できません。変更は管理者が行います。
}
policy-order-create = { $allowed ->
    [yes] プロジェクトを閲覧でき、処理の実行が許された役割のメンバーは、そのプロジェクトのためにサービスを注文できます。
   *[no] プロジェクトを閲覧でき、プロファイルがエンジンの実行を許す管理者・貢献者・ユーザーだけが、そのプロジェクトのためにサービスを注文できます。
}
policy-order-read = { $allowed ->
    [yes] プロジェクトを閲覧できる人は、その注文を閲覧できます。
   *[no] プロジェクトの注文は、そのプロジェクトを閲覧できる人だけが閲覧できます。
}
policy-order-manage = { $allowed ->
    [yes] 注文した人、組織の管理者、プロジェクトの責任者は、注文を変更・取消できます。
   *[no] 注文の変更・取消は、注文した人、組織の管理者、プロジェクトの責任者だけができます。
}
policy-instance-launch = { $allowed ->
    [yes] プロジェクトを閲覧でき、処理の実行が許された役割のメンバーは、そのサービスを起動できます。
   *[no] プロジェクトを閲覧でき、プロファイルがエンジンの実行を許す管理者・貢献者・ユーザーだけが、そのサービスを起動できます。
}
policy-instance-read = { $allowed ->
    [yes] サービスは、その所有者、組織の管理者、プロジェクトの責任者が閲覧できます。
   *[no] サービスを閲覧できるのは、その所有者、組織の管理者、プロジェクトの責任者だけです。
}
policy-instance-manage = { $allowed ->
    [yes] サービスは、その所有者、組織の管理者、プロジェクトの責任者が停止・保持できます。
   *[no] サービスの停止・保持は、その所有者、組織の管理者、プロジェクトの責任者だけができます。
}
policy-job-submit = { $allowed ->
    [yes] プロジェクトを閲覧でき、処理を実行できる役割のメンバーがエンジンを実行します。
   *[no] プロジェクトを閲覧でき、プロファイルがエンジンの実行を許す管理者・貢献者・利用者だけがジョブを実行できます。
}
policy-job-read = { $allowed ->
    [yes] ジョブはその所有者、プロジェクトの管理者、所有者の活動を閲覧できる人が見られます。
   *[no] ジョブを見られるのは所有者、プロジェクトの管理者、所有者の活動を閲覧できる人だけです。
}
policy-job-cancel = { $allowed ->
    [yes] ジョブは所有者またはプロジェクトの管理者が取り消します。
   *[no] ジョブを取り消せるのは所有者とプロジェクトの管理者だけです。
}
policy-desk-read = { $allowed ->
    [yes] グループ窓口は全員に、ローカル窓口はその組織のメンバー、担当者、管理者に知られています。
   *[no] ローカル窓口を知っているのは、その組織のメンバー、窓口の担当者、管理者だけです。
}
policy-desk-agents-manage = { $allowed ->
    [yes] ローカル窓口の担当者は組織のマネージャーと管理者が、グループ窓口の担当者はポリシーが定めるプロファイルが指名します。
   *[no] ローカル窓口の担当者を指名できるのは組織のマネージャーと管理者だけ、グループ窓口の担当者はポリシーが定めるプロファイルだけです。
}
policy-desk-agents-read = { $allowed ->
    [yes] 窓口の担当者一覧は、その担当者と指名する人が閲覧できます。
   *[no] 窓口の担当者を閲覧できるのは、その担当者と指名する人だけです。
}
policy-ticket-create-local = { $allowed ->
    [yes] ローカル窓口のチケットは、その組織のメンバーと担当者が起票します。
   *[no] ローカル窓口にチケットを起票できるのは、組織のメンバーと窓口の担当者だけです。
}
policy-ticket-create-group = { $allowed ->
    [yes] グループ窓口のチケットは、いずれかの窓口の担当者が起票します。
   *[no] グループ窓口にチケットを起票できるのは窓口の担当者だけです。ほかの人はローカル窓口に依頼してください。
}
policy-ticket-read = { $allowed ->
    [yes] チケットは依頼者、参加者、担当窓口の担当者が閲覧します。
   *[no] チケットを閲覧できるのは依頼者、参加者、担当窓口の担当者だけです。
}
policy-ticket-comment = { $allowed ->
    [yes] 依頼者、参加者、担当窓口の担当者がチケットにコメントします。
   *[no] チケットにコメントできるのは依頼者、参加者、担当窓口の担当者だけです。
}
policy-ticket-work = { $allowed ->
    [yes] 担当窓口の担当者が内部メモを書き、割り当て、エスカレーション、解決を行います。
   *[no] 内部メモ、割り当て、エスカレーション、解決ができるのは担当窓口の担当者だけです。
}
policy-ticket-settle = { $allowed ->
    [yes] チケットは依頼者と担当窓口の担当者がクローズまたは再オープンします。
   *[no] チケットをクローズまたは再オープンできるのは依頼者と担当窓口の担当者だけです。
}
policy-ticket-participants = { $allowed ->
    [yes] チケットの参加者は、依頼者と担当窓口の担当者が追加・削除します。
   *[no] チケットの参加者を追加・削除できるのは依頼者と担当窓口の担当者だけです。
}
policy-kb-read = アカウントをお持ちの方は、どなたでもナレッジベースの公開記事を読めます。
policy-kb-read-public = { $allowed ->
    [yes] 匿名の訪問者もナレッジベースの公開記事を読めます。
   *[no] ナレッジベースを読むにはサインインしてください。アカウントをお持ちの方に限られています。
}
policy-kb-desk-agent = { $what ->
    [drafts] サポート窓口の担当者はナレッジベースの下書き記事を読めます。
   *[write] サポート窓口の担当者はナレッジベースの記事を作成・公開・削除できます。
}
policy-kb-read-drafts = { $allowed ->
    [yes] { policy-profiles-subject }はナレッジベースの下書き記事を読めます。
   *[no] { policy-profiles-subject }はナレッジベースの下書き記事を読めません。読めるのはサポート窓口の担当者です。
}
policy-kb-write = { $allowed ->
    [yes] { policy-profiles-subject }はナレッジベースの記事を作成・公開・削除できます。
   *[no] { policy-profiles-subject }はナレッジベースの記事を作成できません。作成するのはサポート窓口の担当者です。
}
