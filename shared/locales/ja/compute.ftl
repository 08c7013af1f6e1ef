# compute: ジョブの待ち行列、「なぜ待っているのか」(api/src/compute/scheduler.rs)。
# $profile はプロファイルのコード、$profiles はプロファイルの並び
# (queue-profile* のメッセージ)、その他の引数は数値です。

queue-profile = { $profile ->
    [public] 匿名の訪問者
    [novice] 初級研究者
    [confirmed] 中級研究者
    [expert] 上級研究者
    [admin] 管理者
   *[webmaster] ウェブマスター
}
queue-profile-pair = { $first }と{ $second }
queue-profile-more = { $first }、{ $rest }
queue-profile-none = なし

queue-reason-next = このジョブは次の割り当てで開始されます。
queue-reason-capacity = このジョブは次の番です。{ $capacity } 個のスロットのいずれかが空きしだい開始されます。
queue-reason-rank = 上位ランク（{ $profiles }）のジョブ { $jobs } 件が先に実行されます（このジョブのランクは { $rank }）。
queue-reason-turn = 同じランクの人は順番に実行されます。{ $people } 人のジョブ { $jobs } 件が先にあります。
queue-reason-max-running = 実行中のジョブがすでに { $running } 件あり、あなたのプロファイル（{ $profiles }）の 1 人あたりの同時実行の上限（max_running = { $cap }）に達しています。いずれかが終わると開始されます。
queue-reason-max-share = あなたのプロファイル（{ $profiles }）のジョブがすでに { $running } 個のスロットを使っており、{ $capacity } 個のうち使える割合（max_share: { $cap }）に達しています。いずれかが終わると開始されます。
queue-reason-public-last = 公開サイトの定型クエリは他のすべてのジョブの後に実行されます。先に { $jobs } 件のジョブがあります。
