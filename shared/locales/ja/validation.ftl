# 422 の `errors` メンバーのメッセージ（項目ごとのリスト）。
validation-length-between = 長さは { $min } 以上 { $max } 以下にしてください。
validation-length-min = 長さは { $min } 以上にしてください。
validation-length-max = 長さは { $max } 以下にしてください。
validation-length = 長さが不正です。
validation-range-between = { $min } 以上 { $max } 以下にしてください。
validation-range = 範囲外です。
validation-email = 有効なメールアドレスではありません。
validation-invalid = 無効です（{ $code }）。
validation-blank = 空にできません。
validation-body-object = 本文は JSON オブジェクトにしてください。
validation-nul = NUL 文字を含めることはできません。
validation-field-unknown = 不明な項目です。
validation-field-missing = この項目は必須です。
validation-field-invalid = 無効な値です: { $detail }
validation-query = クエリ文字列が不正です: { $detail }
validation-cursor = カーソルが不正です。
validation-action-unknown = 不明なアクションコード「{ $code }」です。
