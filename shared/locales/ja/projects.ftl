# projects
projects-domain-unknown = 次のいずれかを指定してください: { $domains }
projects-approvers-same = スポンサーとデータ管理責任者は別の人物である必要があります。
projects-approver-inactive = 有効な既存アカウントを指定してください。
projects-approver-not-institutional = 機関のメールアドレスを持つ人物を指定してください。
projects-participant-domain = このメールアドレスのドメインは、許可された機関のドメインではありません。
projects-closed = このプロジェクトは終了しています。
projects-delete-started = 削除できるのは承認待ちまたは却下されたプロジェクトだけです。進行中のプロジェクトは終了してください。
projects-close-not-active = 終了できるのは進行中のプロジェクトだけです。
projects-participants-closed = { $state ->
        [rejected] このプロジェクトは却下されたため、招待できません。
       *[closed] このプロジェクトは終了しているため、招待できません。
    }
projects-already-participant = この方はすでにプロジェクトに参加しています。
# approvals (projects/approvals)
projects-approval-comment-required = 却下する理由を記入してください。
projects-approval-not-pending = この申請はすでに{ $state ->
    [approved] 承認されています
    [rejected] 却下されています
   *[other] { $state } です
}。
projects-approval-already-decided = すでに判断済みです。
