# エンジンとジョブ
engines-field-invalid = { $detail }
engines-changed = エンジンは他の人によって変更されました。読み込み直してください。
engines-parameter-invalid = { $reason }
jobs-engine-unknown = この ID のエンジンはないか、廃止されています。
jobs-input-unknown = エンジンにこの名前の入力はありません。
jobs-input-missing = この入力は必須です。
jobs-input-file = この ID のファイルはプロジェクトのデータセットにありません。
jobs-project-not-active = ジョブは有効なプロジェクトでのみ実行できます。このプロジェクトは { $state } です。
jobs-not-cancellable = ジョブは { $state } です。もう取り消せません。
jobs-failure-exit = プログラムは終了コード { $code } で終了しました。
jobs-failure-signal = プログラムはシグナルで停止されました。
jobs-failure-timeout = ジョブは制限時間 { $secs } 秒を超えたため停止されました。
jobs-failure-start = プログラムを起動できませんでした: { $reason }
jobs-failure-lost = ジョブを実行していたサーバーが停止し、ジョブを復旧できませんでした。
jobs-failure-executor = 実行環境がジョブを見失いました: { $reason }
jobs-failure-cancelled = { $who } が取り消しました。
jobs-work-summary = ジョブ { $job } の出力 (エンジン { $engine }、バージョン { $version })。終了コード { $code }。
jobs-not-waiting = ジョブは { $state } です。キューで待っていません。
engines-command-lone-brace = 単独の「{"}"}」があります。波括弧は「{"}}"}」と書いてください。
engines-command-unclosed = 「{"{"}」が閉じていません。波括弧は「{"{{"}」と書いてください。
engines-command-not-placeholder = 「{ $name }」はプレースホルダーではありません。パラメーター名、inputs.名前、workdir、outdir のいずれかです。
engines-command-unknown-parameter = 「{ $name }」はスキーマのどのパラメーターも指していません。
engines-command-unknown-input = 「inputs.{ $name }」はエンジンのどの入力も指していません。
engines-command-program = プログラムは固定の文字列で、プレースホルダーにはできません。
engines-command-nul = 引数に NUL バイトが含まれています。
jobs-outputs-not-kept = 出力ファイル { $files } 件（{ $bytes } バイト）は保存されませんでした：{ $reason ->
    [quota] プロジェクトのストレージ容量またはファイルサイズの上限を超えています。プロジェクトのデータの空きを作ってから、ジョブを再実行してください。
   *[inactive] プロジェクトはすでに有効ではありません。
}
