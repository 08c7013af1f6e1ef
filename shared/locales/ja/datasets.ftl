# datasets
datasets-project-not-active = { $state ->
    [pending] このプロジェクトは承認待ちです。データセットは読み取り専用です。
    [rejected] このプロジェクトは却下されました。データセットは読み取り専用です。
   *[closed] このプロジェクトは終了しています。データセットは読み取り専用です。
}
datasets-name-taken = このプロジェクトには同じ名前のデータセットがすでにあります。
datasets-not-empty = 先にこのデータセットのファイルを削除してください。
datasets-path-invalid = ファイルパスは相対パス（先頭に「/」なし）で 1024 バイト以内、「..」のセグメント、バックスラッシュ、制御文字を含めないでください。
datasets-file-too-large = このファイル（{ $size } バイト）は、1 ファイルの上限 { $limit } バイトを超えています。
datasets-quota-exceeded = このプロジェクトは { $used } バイトを保存しています。さらに { $size } バイトで上限 { $limit } バイトを超えます。
datasets-digest-malformed = 期待するダイジェストが base64 の SHA-256（`sha-256=:…:`）ではありません。
datasets-digest-mismatch = 受信したファイルの SHA-256 が期待値と一致しません。何も保存されていません。
datasets-range-invalid = 要求された範囲がファイル（{ $size } バイト）の外にあります。
datasets-changed = ファイルが途中で変更されました。もう一度お試しください。
