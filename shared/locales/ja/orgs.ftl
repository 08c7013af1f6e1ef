# orgs
orgs-name-taken = この名前の組織はすでに存在します。
orgs-last-manager = この組織の最後の管理者です。先に別の管理者を指名してください。
orgs-invite-none = アドレスを 1 件以上入力してください。
orgs-invite-too-many = 1 回の依頼で指定できるアドレスは { $max } 件までです（{ $count } 件を受信）。何も適用されていません。
orgs-invitation-unusable = この招待は{ $why ->
        [used] すでに使用されています
        [revoked] 取り消されています
       *[expired] 有効期限が切れています
    }。組織の管理者に新しい招待を依頼してください。
orgs-invitation-wrong-recipient = この招待は別のメールアドレス宛てに送信されたものです。
orgs-already-member = すでにこの組織のメンバーです。
