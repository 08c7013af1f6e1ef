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

# 再開可能なアップロード (tus)
datasets-upload-tus-version = このエンドポイントは tus 1.0.0 を話します。`Tus-Resumable: 1.0.0` ヘッダーを送ってください。
datasets-upload-content-type = アップロードのバイトは `Content-Type: application/offset+octet-stream` で送ります。
datasets-upload-offset-header = `Upload-Offset` は 0 以上の整数でなければなりません。
datasets-upload-offset-mismatch = このアップロードは { $offset } バイトを受け取っています。続きは `Upload-Offset: { $offset }` で送ってください。
datasets-upload-length-header = `Upload-Length`（0 以上の整数）か `Upload-Defer-Length: 1` のどちらかを送ってください。
datasets-upload-length-fixed = このアップロードの長さは { $length } バイトで、変更できません。
datasets-upload-length-short = 送られた長さ（{ $length } バイト）は、すでに受け取った { $offset } バイトより短いです。
datasets-upload-too-long = これらのバイトはアップロードの長さ（{ $length } バイト）を超えます。
datasets-upload-metadata = `Upload-Metadata` は `キー base64値` の組をカンマで区切ったもので、`filename` を含む必要があります。
datasets-upload-sha256 = `sha256` メタデータは SHA-256 の小文字 16 進 64 桁を base64 にしたものでなければなりません。
datasets-upload-checksum-header = `Upload-Checksum` は `sha1 <base64>` または `sha256 <base64>` です。
datasets-upload-checksum-mismatch = このチャンクは添えられたチェックサムと一致しないため破棄されました。もう一度送ってください。
datasets-upload-expired = このアップロードは期限切れになり、バイトは削除されました。新しく始めてください。
datasets-upload-locked = 別のリクエストがこのアップロードにバイトを送っています。少し待ってからやり直してください。
datasets-uploads-pending = このデータセットへのアップロードが進行中です。先に完了するか取り消してください。
