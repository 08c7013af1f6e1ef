# サポート窓口とチケット (issue 18)。
support-wrong-state = チケットは{ $state ->
    [new] 新規
    [awaiting_approval] 承認待ち
    [open] オープン
    [pending] 依頼者の返答待ち
    [resolved] 解決済み
   *[closed] クローズ
}です。今はこの操作はできません。
support-already-group = チケットはすでにグループ窓口にあります。
support-not-an-agent = このアカウントはチケットの窓口の担当者ではありません。
support-unknown-account = この ID の有効なアカウントはありません。
support-not-member = このアカウントは窓口の組織のメンバーではありません。
support-already-agent = このアカウントはすでにこの窓口の担当者です。
support-no-desk = 窓口を指定してください。どの組織にも属していないか、複数の組織に属しています。
support-unknown-project = そのようなプロジェクトはありません。
support-no-approver = このリクエストには承認が必要ですが、承認できる上長がいません。対象のプロジェクトを指定してください。
support-participant-unknown = 依頼者の組織の有効なアカウント、またはチケットの窓口の担当者に、この ID のものはありません。
support-already-participant = この方はすでにチケットに参加しています。
support-too-many-participants = このチケットの参加者はすでに上限の { $limit } 人です。
support-attachment-too-large = このファイル（{ $size } バイト）は、チケットの添付ファイルの上限 { $limit } バイトを超えています。大きなデータはデータセットに置いてください。
support-too-many-attachments = このチケットの添付ファイルはすでに上限の { $limit } 件です。
support-bad-file-name = ファイル名は 1〜200 文字で、「/」「\」や制御文字を含めないでください。
support-bad-filter = このフィルターには不明な値です。
