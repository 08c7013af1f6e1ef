## ナレッジベース (issue 18 §4)
kb-service-unknown = この ID のサービスはカタログにありません。
kb-sign-in = ナレッジベースを読むにはサインインしてください。
