# works
works-state-not-next = { $next ->
        [unpublished] 下書きは非公開にしか変更できません。
        [published] 非公開の成果は公開にしか変更できません。
       *[none] 公開済みの成果の状態はこれ以上変更できません。
    }
works-changed = この成果はその間に変更されました。再読み込みしてからやり直してください。
works-transfer-unknown = このアカウントは存在しません。
works-transfer-ineligible = 成果を譲渡できるのは、出向先の受け入れ担当者または上位の方（有効なアカウント）だけです。
works-changed-hands = この成果はその間に別の所有者に移りました。
works-project-unknown = そのプロジェクトは存在しないか、閲覧する権限がありません。
works-project-not-active = { $state ->
    [pending] このプロジェクトはまだ承認待ちです。成果物を登録できるのは有効なプロジェクトのみです。
    [rejected] このプロジェクトは却下されました。成果物を登録できるのは有効なプロジェクトのみです。
   *[closed] このプロジェクトは終了しています。成果物を登録できるのは有効なプロジェクトのみです。
}
works-project-closed = この成果物は終了したプロジェクトに属しており、記録としてそこに残ります。
