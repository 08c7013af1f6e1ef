# サポートへの受信メール（課題 18 §3）：メッセージが何も変更しなかった理由。
mailin-refused-too-large = メッセージがサポートの受け付ける大きさを超えています。
mailin-refused-malformed = メッセージを読み取れません（MIME の形式の誤り、または差出人がありません）。
mailin-refused-automatic = メッセージは機械が書いたものです（自動応答、配信エラー、メーリングリスト、不在通知）。コメントにはなりません。
mailin-refused-bad-address = 返信先アドレスはこのサーバーが発行したものではないか、書き換えられています。
mailin-refused-no-recipient = メッセージはサポート窓口にもチケットにも宛てられていません。
mailin-refused-unknown-sender = 差出人のアドレスを持つ有効なアカウントがありません。
mailin-refused-not-on-ticket = 差出人はチケットの依頼者でも参加者でもありません。
mailin-refused-wrong-state = このチケットにはもうコメントできません。
mailin-refused-no-desk = 差出人にはチケットを開くローカル窓口がありません。
mailin-refused-empty-body = 引用された履歴と署名を除くと、メッセージに何も残りません。
