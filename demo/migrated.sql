-- ispbill: a freshly migrated database, made by `python -m demo.embedded_db snapshot` (demo/embedded_db.py).
-- Restored by `make run` into a new demo database while every line below still holds.
-- package django==5.2.19
-- package django-axes==8.3.1
-- migration api/migrations/0001_initial.py 51af61835b0c7f51095071d0824a2b848d061c7a6e4931762383b1ea5b4366a0
-- migration api/migrations/0002_app_token_expiry.py 97cbfe60fa91998683150c805316510769da80cb87c45d500d2f9dc7f2185284
-- migration billing/migrations/0001_initial.py 9a71d1903409cf14736fa1776b09a7e07dac7797382e0ed89bb6a48003f40130
-- migration billing/migrations/0002_initial.py f42a6c7cc264dd8facf4a97b06154a4b137b4a1555a157c9e675a3fc18267445
-- migration billing/migrations/0003_billing_run_chunks.py facbdc8ec8ccd11008b4882537e15d7efb9a96bd0a6b6b4c181f234c3ebbd696
-- migration billing/migrations/0004_package_changes.py 2a256d62a94c2b7cdfb3644f77e7ced0fa9ce70f13906dc92f6e415fd2b80c64
-- migration billing/migrations/0005_invoice_sums_rounded.py 5f9c67062cda38af681114ac23848bb56d5900efc74e2a7b32fa084326cc7505
-- migration billing/migrations/0006_account_fillfactor.py 0ebc267a8667906e98822d77acd229fa1a7bb805a4733ee493d61d39eed3cdc5
-- migration billing/migrations/0007_ledger_entry_credit_note_opening_balance.py 0a50241a6ae4a6d104c1cfe655365e4b62c41faf260ca3f31cbaf4de1e5ce09a
-- migration billing/migrations/0008_one_time_charges_credit_notes.py bb62466e6ebb1163d67277cb41e4404e130374a17ffdba694336f4bee70a52c4
-- migration billing/migrations/0008_reseller_wallets.py 2945a1fef646db7f0afa94ce65f7b4b49589302de3ddf2da4734f54918606a6b
-- migration billing/migrations/0009_merge_charges_wallets.py 1aecc51e6d74d6969cbde19d77accdafa67ffb74df7c3d3035257aebebcd8b2c
-- migration billing/migrations/0010_analytics_indexes.py bf67e81535dd0fe8fae73f2b765e4bc8ca0cc0ef823708752f4f86ddff681d58
-- migration billing/migrations/0010_commission_owed_may_carry_a_clawback.py aa492d4fb439c721947aee708968d0be374fdec503f246d178b43f0c118bb09a
-- migration billing/migrations/0011_merge_clawback_analytics_indexes.py a79c2a8ae8b63b1ac33fe5d11c9e0dfc89df9c3387151088c4632d815c7b76ac
-- migration billing/migrations/0011_subresellers.py 853dc77ba66764c0e074e941ec3a07a39e54ec2918d27bce9ccca1297ffaf06d
-- migration billing/migrations/0012_merge_subresellers_analytics.py b4c20a2ff746a5b103314fa01227cf76e95d1c666c130a7bed11e746cf03a289
-- migration billing/migrations/0013_credited_days.py 225fef41d48fa7b3f27b3af308bc9dbd0281c8901c14a70024041961a99ebc05
-- migration billing/migrations/0014_line_credit.py 209a98b44d9a26b27cb8622ca306ed5d73ec70511b35fde8f3bebd95f732a886
-- migration billing/migrations/0015_rent_during_pause.py b3b1c8af8572c096adaff4950f9f34fb48626fb941da28ac89578baf31648e07
-- migration billing/migrations/0016_commission_accrues_as_credit_pays.py deae412ed2aca3db175b61f0bbb153ee4e2239c6d53538845da2438724706f73
-- migration billing/migrations/0017_radius_blocked_access.py a50fda7ea65088bc88d21b5344cd6a33a7f809b752d83e15985f259aa4eeadfb
-- migration billing/migrations/0018_session_log_retention.py babeb138398059b17c037dc0e30ca357211fdc8fa694680082c3f945f4a51966
-- migration billing/migrations/0019_walletentry_cards.py ef4266e5151a266f9f9101a5b969fc10ac52f166c236b4023e134259495fa342
-- migration billing/migrations/0020_card_guess_limits.py c3af71d76f5982a258cc8e46cf2a9a817154ba428d56019dce2143b43904d505
-- migration billing/migrations/0021_card_sale.py 44273a3af2bc9bc24706fa27a87c2016c473dd8d6bf23aa10a294955d85c9e5e
-- migration billing/migrations/0022_card_sale_refund.py 2ff6bea604ac2d64a2cdd8a67b88914b6d4538723990d23890eceeb2929d1e83
-- migration billing/migrations/0023_invoice_at_activation.py a143580a5ec77e04a80c5ece30b868fc0f80892bb438c358ee223f98bbd596e7
-- migration billing/migrations/0024_tax_challan_numbers.py 3e0f40f4579e7fbc37ed6102579672aa933146c60f808b3040a3c9894146502f
-- migration billing/migrations/0025_debit_notes.py 144da5382d7d7310e0ec07269ed70d0394f492f5f437a0c08ef61ea751048ccb
-- migration books/migrations/0001_initial.py 408995ab17ca8a71a9f99df34e82e0d174204b22150d9f7066bff71b22752664
-- migration books/migrations/0002_journal_balanced_append_only.py 348ac8db6ee0fb901dee498175c477222a1bd46504b56503617126de855879b3
-- migration books/migrations/0003_expenses_suppliers_banks.py eb73009e947538a69224bf9d31e797b8c02d2d572da776ba7c1bc5907e1d75f6
-- migration books/migrations/0090_vat_wallet_sources.py 6dd52b96d40cda0832fb336423b54ece7612baaf65992409a9bfc7903920006f
-- migration books/migrations/0091_merge_expenses_and_vat.py 369e7b5557cdc599b38241070171b25ce38b094740676ef57830b3e010eee416
-- migration books/migrations/0092_journal_sources_of_both.py 92d8515a49a40f1f5900d8db7053a5c751954342c4877abb3669eb26754ce3aa
-- migration books/migrations/0093_bill_parts_settlements_commissions.py 3f4e7c1768fd72ecfacc44cff5b279d629547811ccb9f638d3687e04eefdcec9
-- migration books/migrations/0094_accountant_vds_and_store.py aaae4def14e502b9ea8fd1adb17567528fcd40e034ad63951deec76106ee9e6b
-- migration churn/migrations/0001_prediction.py d8e844b88ea22fd9e3dff139b2e8ad53600e364707ead466591ce16a067b7161
-- migration churn/migrations/0002_model_train_permission.py 7037ce1f75694baab1d670243b6fc398fbe12a13f5f385a75c9c70ed02ac4b5f
-- migration churn/migrations/0002_retention.py c5529163bcd212f61bfcc3a5819074722385c0aa902f4697948d11d292aa7dc4
-- migration churn/migrations/0003_retention_roles.py 047763fed8518cbeb1958d4cccb73fa9d20405c53847654aabafd637b8bd3c8c
-- migration churn/migrations/0004_merge_prediction_retention.py b7a78a149225432d895985d5130b4bdff7a40eeb08f33f4fb2b673110857af5c
-- migration churn/migrations/0005_usage_window.py f13975287248e2ea6128f52cbed7e1ae2fc87245e46c90b4ed895562b6e33f0c
-- migration churn/migrations/0006_line_credits_backfill.py ac536262552aff6e4bae2d0134162822a152f06f7e077c1e04c9cad19d4c3518
-- migration contracts/migrations/0001_contracts_signatures_events.py 3414a8868b9aa631517c735fc7e2c53910f742e14f4cb590d086a74e8abec7e5
-- migration contracts/migrations/0002_signed_documents_immutable.py cd2612099ee92e58a4294c055fe6369644a32438774c7afcb8f73a66d693a3fd
-- migration contracts/migrations/0003_rules_signing_sessions_onsite_evidence.py 1bed939ffeaca0a6ab79543dfc42917b3d5f014e315547f6ea019ff075434c5f
-- migration contracts/migrations/0004_contract_monthly_net.py 13b39c84a4f89d3863ae0bf4743c36703b51a9e778bb6f1d7b5f8de9be0a252d
-- migration customers/migrations/0001_initial.py 665845a783498d0e5f44d3ada45805db86d5e79a23fa365baadeae39d09a94cc
-- migration customers/migrations/0002_initial.py 86bf09474fc4f58a9c812bba848e160878cd7772818f120b84d04522fda644ee
-- migration customers/migrations/0002_search_indexes.py 1ae686739e5fc638e37d4a86340693f86966435395b22acdd526ead0ed2d948a
-- migration customers/migrations/0003_billing_state.py cacba32ee83d5bc44fb95c8ce7fefb96b601b88280d7744d121827cdc6ae72c0
-- migration customers/migrations/0004_call_log.py ad240c705faa3df46fc58aca4584e44be8a309e2235041c2c01ed3cb760ebad5
-- migration customers/migrations/0005_customer_area_status_index.py a58fbd8d5faca496c69f3554345a38e125c8cfb3ac3fcb1ac35741fa695d15b2
-- migration customers/migrations/0006_package_fup.py b1a7aefe3c99d0d576883c4aad5c355dc9ce51451760d2f9f587d2607ad45539
-- migration customers/migrations/0007_referrals_speedtest.py c608a2cd34fe5aad5eb1d89aea2c28c17346b52d6527e21459d26cb7de2c5291
-- migration customers/migrations/0008_referral_code_backfill.py 2cda48171e82ebccacc5abf2aadf0ad963296e7bb0e54dd94928a3645e148899
-- migration customers/migrations/0009_referral_code_required.py 7b4c10c7774b4811d10040d2018929964bee7e3d746e20149e43a74f1a02fb5b
-- migration customers/migrations/0010_subscription_fillfactor.py d147ddc640473d44af0e86e3d7911a70a6cf7c2b2a9d2ac0f75ccc472aa18673
-- migration customers/migrations/0011_customer_language.py 82a12f1075fda06e4df9db976a6c9bd495583d8eabf108a145f924dae654b387
-- migration customers/migrations/0012_customer_external_ref.py 1443b3edd85cc9c8000e57f6b81e47dad58861aaded1ae4a1af5201d6ca910d3
-- migration customers/migrations/0012_customer_reseller_name_index.py a9c9a1a3b18c88acbdd90e348aa0666800bd21aa7848babce33cfef956bd506b
-- migration customers/migrations/0012_package_installation_fee_minimum_term.py ca4ea33f6f74305c897a29c393beccb50bfa090cfdd9431b004497f253876a0a
-- migration customers/migrations/0013_merge_external_ref_installation_fee_reseller_index.py cb1be20f4a1fcd17cd8dd1f79ff599dae6185e2a82731d5106e92bd98ff54665
-- migration customers/migrations/0014_collectors.py 6a0aa3f265e88889ef1ff79ff080351f7849bec383dc773f2c764711b7b6b077
-- migration customers/migrations/0015_cancelled_connection_frees_login.py 86fbb720ac69736a79bffa5ac7074ca5d7923c5b91b37c32e18c70b52ab18f47
-- migration customers/migrations/0016_customer_tally.py 02b44b3bfd196cf900c0ae73a660e08d99e4236304bd5fa05c150ca9d242073c
-- migration customers/migrations/0017_subscription_password_nt_hash.py 11eaaa4da086c37a0ae11acdd917e321bb15c720a1f972b1290520bd2a8a2b37
-- migration customers/migrations/0018_vat_bin_and_district.py 19ed3903f473aca40ab5e6d2b44ed665006578fcbbefe368d6dc7eb31f97ea03
-- migration customers/migrations/0019_package_speed_classes_and_windows.py 4dc91bd03734d651db4c1134e862819b421508027750c7edce067263a3d77ff9
-- migration customers/migrations/0020_subscription_ipoe.py d495938525d33ab1ce8efa82d65e99031f32eab79097d378cf4d2f9897be6634
-- migration dashboard/migrations/0001_daily_metric_snapshots.py 9632c30aa3f1c412f75dc328b332e1f3787f5a01eba971da3f76d0a8d04144a0
-- migration dashboard/migrations/0002_efficiency_parts_paused_mrr.py aee06a12e3a739aa283d36b0477e5020782a88a4db0e9b005a451ee2c09499dc
-- migration fibre/migrations/0001_initial.py 3a1a57e11c509143726e0a60770097bdb97f7edbb7fd24a6591f052009945484
-- migration fibre/migrations/0002_fibre_settings.py 8bea674c077d57edf9df0a21592089a782c0cdba0bf407c1bd1640a003333b02
-- migration fibre/migrations/0003_fibre_roles.py 49db4f8734e7834b7cdb7d4e6d79b625eabc34e5a7dfa62588e902c765d4dd8a
-- migration fibre/migrations/0004_incident_tickets.py 9c091ebe1dc4390cd7302425bf51828c2506f8d66582a205a3833bd07297888e
-- migration fieldservice/migrations/0001_initial.py 45a8704130b5b242701ae6cb4720d8f51d472737c1cdba7c0df8d503d5af0002
-- migration fieldservice/migrations/0002_work_orders_checklists_equipment_sync.py 0baadbba53449e2ae68c0b4dfb36a6e40b5b4bd39210911bb3bff2df04bd34da
-- migration fieldservice/migrations/0003_equipment_sale_price_and_invoice.py 1a4add37959c304c2608dfb997a31f308e2624f3482391788ea909d0a3c766c9
-- migration fieldservice/migrations/0004_equipment_rental.py 6bc053ad9eb39515dde3b5325e86d98123ac2022f622a2334cbe5a8035f95605
-- migration fieldservice/migrations/0005_visit_ratings_are_surveys.py 685b2678373a2a7f1d7ebefa17ce1c720756b3e84fb3d48a71556023e0978263
-- migration fieldservice/migrations/0006_remove_workorder_rating.py 08737c4883f2b2a0704acf55778b0470221d1ce33bdf8a7ce079b2b1fda4ca9d
-- migration fieldservice/migrations/0007_equipment_store_moves.py ffa896fd47aa39c637f9d7cecacd4f7b95b07f008b350427f58b61ea63d1acb8
-- migration fieldservice/migrations/0008_offline_action_times.py 786fb3384bb3dc1b526166ff1fb0bea4d61023efe123d84d6121030990c683d5
-- migration fieldservice/migrations/0009_completion_photos_and_serial.py a7b1fa9c94c9e88406fded115ce0f3d422ce392badf7fa6f4bd0cdce411674cf
-- migration imports/migrations/0001_import_batches.py 85b1e7f84c84a4f057f800f6ad5caaed6f98aaa428767cdf0b5866d1550234af
-- migration imports/migrations/0002_batch_kind_past_payments.py bf0c3e84739356e3ce054c41a72b132aa8144d44a3638f57abbf6e86b8cc04f2
-- migration imports/migrations/0003_batch_undo_report.py daf5ef125d31e5ec03fafcb83187d8c8520a7057ab7335a696fd6183897d72a8
-- migration ispbill/accounts/migrations/0001_initial.py 32cc561452d18d7f34f435940abb4d37ed933c893728556b249a614db31119fe
-- migration ispbill/accounts/migrations/0002_initial.py 03b7380004cabf5df5f63b0c0573114cb0e21020df0b0d94d7d51840845eb731
-- migration ispbill/accounts/migrations/0003_portal_security.py 55caa6cc9782471bdca387ce88c1ae194c91f1e83ff8ca6d9d1d601b7d166608
-- migration ispbill/accounts/migrations/0004_contract_sign_code_purpose.py 220bfb6a05d536c1f8d1d6ba4ffbfb764ea03c3b6fb16feb4205f9a83f24080d
-- migration ispbill/core/migrations/0001_initial.py 89679cf84633fce8edbd3a56acaede46c11c70236803a5671ae704fa6a918847
-- migration ispbill/core/migrations/0002_audit_append_only_trigger.py cdf0ce9e5b902f93ba196df53ffbc33bbfcb474db54842cb398129c9454b9ba4
-- migration ispbill/core/migrations/0003_rate_limit_counter.py f132de5416754d81619e23ddcebc21b092a341995d96dc1010a340076f24740b
-- migration ispbill/core/migrations/0004_webhooks_and_audit_via.py fd20cab82d0fda8efcbbddfbd79c88b6314cef77d288839496d054e3cf0a087d
-- migration ispbill/core/migrations/0005_job_log.py 85e22ce91f394b0164c3279ad62cd903240170dad93fe36880b773b4f0f4e992
-- migration ispbill/notify/migrations/0001_initial.py 07e61af356b1669f50c20c1fbff2a131b6b5f7598bc57691e2db97ec4bf33f5a
-- migration ispbill/notify/migrations/0002_message_sealed.py 9cf6a41b8f9604a17e3501da49a2acef93b4bec537d29f6f316660f65e3664a2
-- migration network/migrations/0001_initial.py 705bf8307341ac80fc074a288890f23c9bf5979bfebc7181f4f8421d16cac0fe
-- migration network/migrations/0002_router_connection_health_outbox_drift.py 6fab523381c9623a0ecd008aef2f8924701779fc02fa7f9fc2c5bef69539ed02
-- migration network/migrations/0003_usage_polling_fup.py a5f7138eef55bf98a98591cd112018b34d8053ac3f861ce55bfd7e7c6e990592
-- migration network/migrations/0004_usage_poll_documents.py 9413881df8a09cdefddfb28ff2407be3386aac8cc83ba545ec08a593e8aee361
-- migration network/migrations/0005_outages.py 5b96387af99be86c52a0bcae9f320590c640608ddf83abce333ae55b682e0ded
-- migration network/migrations/0006_support_sees_outages.py 285d4b9a2d76d5bf8f1aa3f50283603efea80c2aaa2e89843c6ae7f992a398d4
-- migration network/migrations/0007_outage_notice_in_bangla.py eb8374fd8e7b7ebaed2f326aa3b3d629aaca8363e46e1bf4bb215cd6f36e8c33
-- migration network/migrations/0008_router_radius.py 0a69d217e81c804f659bd67e7fb6a401931c3864d7e951fa39d6a794119e9782
-- migration network/migrations/0009_router_coa_port_aaa_switch.py 25bac9e361b1b9eb373ce965c4d569d3d957b4b8d05b38646d3fe28b5162a5fa
-- migration network/migrations/0010_provisioning_disconnect.py 433ed0c7b094faaabce54050282edd283c7b6d87dbe4c46bc6350ba8e47f855f
-- migration network/migrations/0011_router_require_message_authenticator.py e3a282deb2051fe6a64ce8e492e1af63ab5b75c7d96c035fe30be66ed4cadf80
-- migration network/migrations/0012_speed_destinations_and_boundary_runs.py 1d24219ddc77e69886656fbad8c4ebf5963af380eeb55c74d4da815924be0daa
-- migration network/migrations/0013_address_pools.py 7ce9a1fc71fbe3c61d161b7fe9a6e69e0c26daf0e704f61678f82ee4ce64f5fe
-- migration payments/migrations/0001_initial.py 1d41e75ce219942ea7b63b1bbee73b612c29e5ee3341d1cbe89c0cf9e81b8570
-- migration payments/migrations/0002_reverse_permission.py 53018f14b696a2924071eb167cddb3dd93daa1a1be53b13bb5057550fadc7d4d
-- migration payments/migrations/0003_online_payments.py d55bb819afa031b61e0156744f48772ccdaf62b1c83cb2306aa04af035fe3c05
-- migration payments/migrations/0004_backdate_payment_permission.py 28d7591c33ff9bbcda5e138a2ca10350564a67736f7513939fb9d8133f8a89d2
-- migration payments/migrations/0004_gateway_refund_ledger_entry.py e2209c3745c9bdfd7a501c499fc66e4df6e25af7fb8d576d149070b926ba7e12
-- migration payments/migrations/0004_payment_received_at_index.py e39060f6891246cf2a2206b279e4885a24fef5396708715fb4d924d22ac063d1
-- migration payments/migrations/0005_grant_backdate_to_managers.py 653849b8bee1e698db82b3400b2f9fcfff5e433f4d77aa8c14bb071a08145f57
-- migration payments/migrations/0006_merge_refund_entry_backdate_received_index.py 0a2e2c32688d22b3b987d4cf3ab07c2fbb51711e34399d48e30df5828e69ecf3
-- migration payments/migrations/0007_cash_handover.py 1ecd20d6029501a42dad65d489707cde3edf02e815a901fc4de581d96a54621b
-- migration payments/migrations/0007_past_payments.py 431f7aed134047c6a6dee2971135ee32ec11195ca71df252d33a87d7398ff422
-- migration payments/migrations/0008_grant_cash_handover.py 1fe95a638056684fab00f8ba9b44e35abb7fee357cad06fc2021b9c2f5a9f215
-- migration payments/migrations/0009_merge_past_payments_cash_handover.py 191ae8367477d422c99936b43ded525eefa6fd74be311811dec8bac104b930f1
-- migration payments/migrations/0010_wallet_method.py 0727398dd8c0505d0ab705209c75b3f9f906a07f4b7690873a2ab1aa875a0718
-- migration payments/migrations/0011_bkash_gateways_autopay.py e5a925fe3c4aa1eec6729a8fcdb341692d52ee8058f36a6cbfd1ef8e38731a40
-- migration payments/migrations/0012_bkash_paybill_method.py c97778a9fc6655c8cdfc82b67164513373f2abf714a4c56bd7d96ca9f88b7298
-- migration payments/migrations/0013_nagad_gateway.py e7a04c5bd132ffa6a1ada7efd77adf5a34675d34d69289736d41741e44d244fe
-- migration payments/migrations/0014_gateway_reconciliation.py fc0c7cd054278793f4a84c3ead82d6ab0d41fed2838af52510cc683afd689a6f
-- migration payments/migrations/0015_prepaid_card_method.py e122bc65cffef45cf76ef98cb610aea05e480faedb73a3c16e08fd4ff5d26394
-- migration payments/migrations/0016_card_purchases.py 84a027a8a4a19d3a7488feaa6daf1667ea53353325a5842bd6900f54e49081b0
-- migration payments/migrations/0017_queued_payments.py a00ea3522a7b23a89fda9675ee5a38e8e2eb5d62f623b7b16857edc876313cc3
-- migration payments/migrations/0018_vds.py 72a08508ef1d58096a9287235d4058666b58309e88cb881a6c86d8130df4631f
-- migration radius/migrations/0001_initial.py 178ce6e635289617a1d9318be0ffa59826cb5c632a9d358131bf600557534520
-- migration radius/migrations/0002_authorisation_views.py 471f915774757b660a4ceedb2655f65b0607f937c03b2458eaebb5e0a7c02a73
-- migration radius/migrations/0003_authorisation_functions.py 5ad57e183c958f38c19f35fc9c0811842d18350257df85da15776a387eb31221
-- migration radius/migrations/0004_auth_attempt_server_error.py 981ca51d6877c5694812917e965b1c1a2543f5c3a45f16769919bc8b23fb7a78
-- migration radius/migrations/0005_session_counted_octets.py dce7c0d7e6c5f5f3b75fec3623d5cee244558d7bda7730f471589e23ef24c5e1
-- migration radius/migrations/0006_router_clients_notify.py 8015e7e43830f46e218db6138a5164e0a0ef35ddf64ad734265212f07e881cb9
-- migration radius/migrations/0007_hotspot_logins.py f1b9dfe35852f6695f60d5c6c5d850512c162ef9d8fbc4bb0cd257a6cdfef019
-- migration radius/migrations/0008_session_log.py 1c96be0c5d8d11fd90f0b10e6a9d19ec5b88e221f041f5f11401c93f5802d3cd
-- migration radius/migrations/0009_session_permissions.py cd7adfa07f665da265653e475fbd9caa58da63773f02a7834db80e2a5bbecfc8
-- migration radius/migrations/0010_postauth_indexes_open_sessions_function.py 4b1f761b98e0f6dc692019449e21433164dc1516e56f270c571cc81c51f3e539
-- migration radius/migrations/0011_card_login_reasons.py 52b7308ce4f928c1801942008d0c3c503133e780d7227cc1f71d2617078f595f
-- migration radius/migrations/0012_router_clients_notify_message_authenticator.py 99ff0a31d9d72fe0198827c0c3998a0fa372774385f90ed86fbf74a6309e2449
-- migration radius/migrations/0013_postauth_bad_secret.py 591b5eb218fbd2b9935b71cf7a1fd0cb64f1857ddf1321c51ed1978abd090514
-- migration radius/migrations/0014_postauth_answer_id.py 2e42f6f5f61bbcaccfd3c62b9582db0fcf40949f5f68e178ef3fe43560298713
-- migration radius/migrations/0015_bad_secret_drop.py 0f6ab2b06422c2abe28f6abd1a947093047e4485160e76604f8cc3c6322b7214
-- migration radius/migrations/0016_session_log_router_and_start_indexes.py a2fc49cc24df5ed61dd80f7030eb63ffad3e4887300099a270820ac53f1fc0c3
-- migration radius/migrations/0017_login_state.py 3401318d7f86e04ae2886653fcb56c84a9437783817aa53038c7884caf5cca19
-- migration radius/migrations/0018_radacct_fewer_indexes.py e9da2b7161b6de17456dc791dac392935e833f890167b0274d9ae8f3477580f2
-- migration radius/migrations/0019_session_log_login_index.py e44593d50803c5307f7c42aa58760f95c2f72f9e7e18c3c8423c7b93fb4f0bf1
-- migration radius/migrations/0020_servers_pushed.py 03ad3f33830d7e83d215822400e99f0bf12e466d66341e263e3a0a5394798255
-- migration radius/migrations/0021_speed_classes_and_windows.py 280455d033e4000f5ee34894ef5f91262c81c0ddcb89f8ce12ed52a37c2c6444
-- migration radius/migrations/0022_ipoe_and_ipv6_logins.py e4c6e8287bc77deab7afedfe6fbe5f0c8f100c043d5d5dfa5189d88437b1f423
-- migration radius/migrations/0023_speed_functions_as_owner.py 69bb8bf31e13da637b23594340f567e740d11913e6c38659563dece192579591
-- migration radius/migrations/0024_speed_functions_keep_their_plans.py 6fdf043a305e4b7630bd14f2d81ab276c5e0c73c8823a81526c12b11afb1f2a5
-- migration radius/migrations/0025_speed_answer_in_the_login_state.py 8e673011efe7723ee8f953c77b10e63323be6c0b8c5e66257e5f8004270bc27f
-- migration radius/migrations/0026_open_sessions_plan_kept_without_seqscan.py 297fa0a0f9a00abcc3a7c760c694b51ad67ea430571189ce29de05e88100c896
-- migration radius/migrations/0027_router_reload.py 47b817534dac65c9b82ab0814ca52f6a45ed8084c4694bb1de3b22835d5a8e72
-- migration resellers/migrations/0001_initial.py 8f008d156a5288bc2aa2e7a5ae3ad5fd34666d7ae672579fdc060591a537a133
-- migration resellers/migrations/0002_reseller_terms_logins_payouts.py 253b980237dc10cfee265aa0d323bb0f5e93e834c32915567b624295cbfc9e5c
-- migration resellers/migrations/0003_renewal_outbox_low_balance_alert.py b514573d6825d68a8a4c0986c213ce1abc48655c08d1bb58b4a72e5c87ddf7d2
-- migration resellers/migrations/0004_reseller_branding.py 3e0f2f8fb493ece6d925d90adae2447cf5ecf50598d452bc1920b391a9891231
-- migration resellers/migrations/0005_subresellers.py 0aceb246014cda99eebcdbfec177a94c5f833be311f4845ce75851c82a93634d
-- migration resellers/migrations/0006_reseller_card_distributor.py 025e8084a36a8b70ab42170b9a76a4cbf5417f7db9121dfb5f62d1e01dc50856
-- migration tickets/migrations/0001_initial.py a68bf4d81d7c08111c6f290ad7200d92ac22fcca0be8b406c81bd48db0f92137
-- migration tickets/migrations/0002_surveys_for_visits.py 505f8f77389cb06a1e7880532373dc694f62a5a31c4bff9505beb5a81da3b57f
-- migration vouchers/migrations/0001_initial.py 54fa3ea5a371ead7262cfa5aca20edaa1c6966f991fe17a591eee278a464af0a
-- migration vouchers/migrations/0002_online_sales_and_remembered_devices.py a82f218562138a9f86eb5a4b2579ec556fa30a169412c64a9f58f5304aa93120
-- migration vouchers/migrations/0003_batch_generation_in_background.py 147ffc8dd0deec86af776ee7758181a2bd0639ca337f4b2c636c905a0a2582e9
-- migration vouchers/migrations/0004_recharge_by_card.py 430dddc300ae5e3453e2e97a2e1ec3d778493e4ceb93e00dc068c7653490b01c
-- migration vouchers/migrations/0005_card_login_key_and_sessions.py 0ab675bca631c75a2c34e6ed6ec517e5094ddcc595d6c4053a26e5f567d120c6
-- migration vouchers/migrations/0006_hotspot_card_logins.py 9c39c2c334f97176e85131634f747f33b2ee9b5d920e57e1c0d26cc9bd8d0131
-- migration vouchers/migrations/0007_wifi_signup.py 7b547baac21889e41ab26de2c525bb30a7ee6aa629a8ccd625ae980c567686a6
-- migration vouchers/migrations/0008_wifi_purchase_language.py 54357213631c0baed74ce2876beb5e6650969a264a497730a9cc87efc2446387
-- migration vouchers/migrations/0009_plan_speed_package.py aa04ab6ecb83c2fb648be36dc34999b8ea65f2c1ff12894d02e0917280fa5093
--
-- PostgreSQL database dump
--



SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: pg_trgm; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;


--
-- Name: EXTENSION pg_trgm; Type: COMMENT; Schema: -; Owner: -
--

COMMENT ON EXTENSION pg_trgm IS 'text similarity measurement and index searching based on trigrams';


--
-- Name: pgcrypto; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA public;


--
-- Name: EXTENSION pgcrypto; Type: COMMENT; Schema: -; Owner: -
--

COMMENT ON EXTENSION pgcrypto IS 'cryptographic functions';


--
-- Name: books_journal_append_only(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.books_journal_append_only() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    RAISE EXCEPTION 'the journal is append-only: post a reversing entry instead' USING ERRCODE = 'check_violation';
END $$;


--
-- Name: books_journal_balanced(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.books_journal_balanced() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM books_new_lines GROUP BY entry_id HAVING SUM(debit) <> SUM(credit)) THEN
        RAISE EXCEPTION 'unbalanced journal entry: debits and credits differ' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$;


--
-- Name: contracts_contract_keep_signed(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.contracts_contract_keep_signed() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.signed_at IS NOT NULL THEN
            RAISE EXCEPTION 'a signed contract cannot be deleted' USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.signed_at IS NOT NULL AND (
        NEW.body_text IS DISTINCT FROM OLD.body_text OR NEW.document IS DISTINCT FROM OLD.document
        OR NEW.document_sha256 IS DISTINCT FROM OLD.document_sha256 OR NEW.signed_at IS DISTINCT FROM OLD.signed_at
        OR NEW.customer_id IS DISTINCT FROM OLD.customer_id OR NEW.template_id IS DISTINCT FROM OLD.template_id
        OR NEW.number IS DISTINCT FROM OLD.number OR NEW.verify_code IS DISTINCT FROM OLD.verify_code
    ) THEN
        RAISE EXCEPTION 'a signed contract''s document cannot change' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$;


--
-- Name: contracts_refuse_change(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.contracts_refuse_change() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    RAISE EXCEPTION 'signed contract evidence is immutable (% refused on %)', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$;


--
-- Name: core_auditlog_refuse_change(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.core_auditlog_refuse_change() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    RAISE EXCEPTION 'audit entries are append-only (% refused on core_auditlog)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;


--
-- Name: customers_tally_delete(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.customers_tally_delete() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  INSERT INTO customers_customertally (branch_id, status, n) SELECT branch_id, status, -count(*) FROM tally_old GROUP BY 1, 2;
  RETURN NULL;
END $$;


--
-- Name: customers_tally_insert(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.customers_tally_insert() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  INSERT INTO customers_customertally (branch_id, status, n) SELECT branch_id, status, count(*) FROM tally_new GROUP BY 1, 2;
  RETURN NULL;
END $$;


--
-- Name: customers_tally_update(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.customers_tally_update() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  INSERT INTO customers_customertally (branch_id, status, n)
  SELECT branch_id, status, sum(n) FROM (
    SELECT branch_id, status, 1 AS n FROM tally_new UNION ALL SELECT branch_id, status, -1 FROM tally_old
  ) AS moved GROUP BY 1, 2 HAVING sum(n) <> 0;
  RETURN NULL;
END $$;


--
-- Name: radius_authorize_rows(bigint, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.radius_authorize_rows(p_router_id bigint, p_username text) RETURNS TABLE(r_id bigint, r_username text, r_attribute text, r_value text, r_op text)
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    RETURN QUERY
    SELECT s.subscription_id, s.username::text, a.attribute, a.value, ':='::text
    FROM radius_subscriber s
    CROSS JOIN LATERAL (VALUES
        ('NT-Password', NULLIF(s.nt_hash, '')),
        ('Simultaneous-Use', s.simultaneous_use::text),
        ('Tmp-Integer-0', s.subscription_id::text),
        ('Tmp-String-0', s.blocked),
        ('Auth-Type', CASE WHEN s.access = 'reject' THEN 'Reject' END),
        ('Mikrotik-Rate-Limit', CASE WHEN s.access = 'full' THEN
            s.upload_mbps || 'M/' || s.download_mbps || 'M'
            || CASE WHEN s.burst_download_mbps IS NOT NULL THEN
                   ' ' || s.burst_upload_mbps || 'M/' || s.burst_download_mbps || 'M '
                   || (s.upload_mbps * 10 * s.burst_threshold_percent) || 'k/' || (s.download_mbps * 10 * s.burst_threshold_percent) || 'k '
                   || s.burst_time_seconds || '/' || s.burst_time_seconds
               ELSE '' END
        END),
        ('Framed-IP-Address', CASE WHEN s.access = 'full' THEN host(s.static_ip) END),
        ('Framed-Pool', CASE WHEN s.access = 'walled' THEN NULLIF(s.walled_garden_pool, '')
                             WHEN s.access = 'full' AND s.static_ip IS NULL THEN NULLIF(s.pool, '') END),
        ('Mikrotik-Address-List', CASE WHEN s.access = 'walled' THEN NULLIF(s.suspended_address_list, '')
                                       WHEN s.access = 'full' THEN NULLIF(s.address_list, '') END)
    ) AS a(attribute, value)
    WHERE s.router_id = p_router_id AND s.username = p_username AND a.value IS NOT NULL;
END
$$;


--
-- Name: radius_authorize_rows(bigint, text, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.radius_authorize_rows(p_router_id bigint, p_username text, p_service text) RETURNS TABLE(r_id bigint, r_username text, r_attribute text, r_value text, r_op text)
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    RETURN QUERY
    SELECT s.subscription_id, s.username, a.attribute, a.value, ':='::text
    FROM radius_login_state s
    CROSS JOIN LATERAL (SELECT
        CASE WHEN s.status = 'suspended' THEN 'suspended'
             WHEN s.status = 'pending' THEN 'not_active'
             WHEN s.paid_through IS NOT NULL AND s.paid_through + s.grace_days < CURRENT_DATE THEN 'expired'
        END AS blocked,
        s.paid_through + s.grace_days AS access_until,
        CASE p_service WHEN 'Login-User' THEN 'hotspot' WHEN 'Framed-User' THEN 'pppoe' END AS asked
    ) b
    CROSS JOIN LATERAL (SELECT
        CASE WHEN s.connection_type = 'ipoe' THEN b.asked IS NOT NULL
             ELSE b.asked IS NOT NULL AND b.asked <> s.connection_type END AS wrong
    ) v
    CROSS JOIN LATERAL (SELECT
        v.wrong,
        CASE WHEN v.wrong THEN 'reject'
             WHEN b.blocked IS NULL THEN 'full'
             WHEN b.blocked <> 'not_active' AND s.blocked_access = 'walled_garden' THEN 'walled'
             ELSE 'reject' END AS access,
        s.connection_type = 'hotspot' AS hotspot
    ) w
    CROSS JOIN LATERAL (SELECT
            s.upload_mbps || 'M/' || s.download_mbps || 'M'
            || CASE WHEN s.burst_download_mbps IS NOT NULL THEN
                   ' ' || s.burst_upload_mbps || 'M/' || s.burst_download_mbps || 'M '
                   || (s.upload_mbps * 10 * s.burst_threshold_percent) || 'k/' || (s.download_mbps * 10 * s.burst_threshold_percent) || 'k '
                   || s.burst_time_seconds || '/' || s.burst_time_seconds
               ELSE '' END
    AS own_rate) r
    CROSS JOIN LATERAL (VALUES
        ('NT-Password', NULLIF(s.nt_hash, '')),
        ('Simultaneous-Use', s.simultaneous_use::text),
        ('Tmp-Integer-0', s.subscription_id::text),
        ('Tmp-String-0', CASE WHEN w.wrong THEN 'wrong_service' ELSE b.blocked END),
        ('Auth-Type', CASE WHEN w.access = 'reject' THEN 'Reject' WHEN s.connection_type = 'ipoe' THEN 'Accept' END),
        ('Mikrotik-Rate-Limit', CASE WHEN w.access = 'full' THEN
            CASE WHEN s.speed_windowed THEN radius_speed_rate(s.subscription_id, r.own_rate) ELSE r.own_rate END
        END),
        ('Framed-IP-Address', CASE WHEN w.access = 'full' AND NOT w.hotspot THEN host(s.static_ip) END),
        ('Framed-Pool', CASE WHEN w.hotspot THEN NULL
                             WHEN w.access = 'walled' THEN NULLIF(s.walled_garden_pool, '')
                             WHEN w.access = 'full' AND s.static_ip IS NULL THEN NULLIF(s.pool, '') END),
        ('Mikrotik-Address-List', CASE WHEN w.access = 'walled' THEN NULLIF(s.suspended_address_list, '')
                                       WHEN w.access = 'full' THEN s.speed_address_list END),
        ('Delegated-IPv6-Prefix', CASE WHEN w.access = 'full' AND NOT w.hotspot AND strpos(s.ipv6_prefix, '/') > 0
                                            AND split_part(s.ipv6_prefix, '/', 2) <> '64' THEN s.ipv6_prefix END),
        ('Framed-IPv6-Prefix', CASE WHEN w.access = 'full' AND NOT w.hotspot AND split_part(s.ipv6_prefix, '/', 2) = '64'
                                    THEN s.ipv6_prefix END),
        ('Session-Timeout', CASE WHEN w.hotspot AND w.access = 'full' AND b.access_until IS NOT NULL THEN
            GREATEST(60, CEIL(EXTRACT(EPOCH FROM ((b.access_until + 1)::timestamp AT TIME ZONE current_setting('TimeZone')) - now())))::bigint::text
        END),
        ('Tmp-Integer-4', CASE WHEN w.access <> 'reject' AND NOT pg_is_in_recovery() THEN
            radius_open_sessions(p_router_id, p_username)::text
        END)
    ) AS a(attribute, value)
    WHERE s.router_id = p_router_id AND s.username = p_username AND a.value IS NOT NULL;
END
$$;


--
-- Name: radius_check_rows(bigint, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.radius_check_rows(p_router_id bigint, p_username text) RETURNS TABLE(r_id bigint, r_username text, r_attribute text, r_value text, r_op text)
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    RETURN QUERY
    SELECT c.id, c.username::text, c.attribute, c.value, c.op
    FROM radius_check c WHERE c.router_id = p_router_id AND c.username = p_username;
END
$$;


--
-- Name: radius_clients_notify(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.radius_clients_notify() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    PERFORM pg_notify('radius_clients', '');
    RETURN NULL;
END
$$;


--
-- Name: radius_login_rows(bigint, text, text, text, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.radius_login_rows(p_router_id bigint, p_username text, p_service text, p_username_hex text, p_mac text) RETURNS TABLE(r_id bigint, r_username text, r_attribute text, r_value text, r_op text)
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    RETURN QUERY SELECT * FROM radius_authorize_rows(p_router_id, p_username, p_service);
    IF FOUND OR p_service IS DISTINCT FROM 'Login-User' THEN
        RETURN;
    END IF;
    RETURN QUERY SELECT * FROM voucher_authorize_rows(p_router_id, p_username_hex, p_mac);
END
$$;


--
-- Name: radius_login_state_addresses(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.radius_login_state_addresses() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.family = 6 THEN
            PERFORM radius_login_state_refresh(ARRAY[OLD.subscription_id]);
        END IF;
    ELSIF NEW.family = 6 THEN
        PERFORM radius_login_state_refresh(ARRAY[NEW.subscription_id]);
    END IF;
    RETURN NULL;
END
$$;


--
-- Name: radius_login_state_fup(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.radius_login_state_fup() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    PERFORM radius_login_state_refresh(ARRAY[COALESCE(NEW.subscription_id, OLD.subscription_id)]);
    IF TG_OP = 'UPDATE' THEN
        IF OLD.subscription_id <> NEW.subscription_id THEN
            PERFORM radius_login_state_refresh(ARRAY[OLD.subscription_id]);
        END IF;
    END IF;
    RETURN NULL;
END
$$;


--
-- Name: radius_login_state_package(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.radius_login_state_package() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_package bigint;
BEGIN
    IF TG_TABLE_NAME = 'customers_package' THEN
        v_package := COALESCE(NEW.id, OLD.id);
    ELSE
        v_package := COALESCE(NEW.package_id, OLD.package_id);
    END IF;
    PERFORM radius_login_state_refresh(ARRAY(SELECT id FROM customers_subscription WHERE package_id = v_package));
    IF TG_OP = 'UPDATE' AND TG_TABLE_NAME <> 'customers_package' THEN
        IF OLD.package_id <> NEW.package_id THEN
            PERFORM radius_login_state_refresh(ARRAY(SELECT id FROM customers_subscription WHERE package_id = OLD.package_id));
        END IF;
    END IF;
    RETURN NULL;
END
$$;


--
-- Name: radius_login_state_refresh(bigint[]); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.radius_login_state_refresh(p_ids bigint[]) RETURNS void
    LANGUAGE plpgsql
    AS $$
BEGIN
    DELETE FROM radius_login_state WHERE subscription_id = ANY(p_ids);
    INSERT INTO radius_login_state SELECT * FROM radius_login_source WHERE subscription_id = ANY(p_ids);
END
$$;


--
-- Name: radius_login_state_router(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.radius_login_state_router() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    PERFORM radius_login_state_refresh(ARRAY(SELECT id FROM customers_subscription WHERE router_id = NEW.id));
    RETURN NULL;
END
$$;


--
-- Name: radius_login_state_settings(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.radius_login_state_settings() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    DELETE FROM radius_login_state;
    INSERT INTO radius_login_state SELECT * FROM radius_login_source;
    RETURN NULL;
END
$$;


--
-- Name: radius_login_state_subscriptions(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.radius_login_state_subscriptions() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM radius_login_state_refresh(ARRAY(SELECT id FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        DELETE FROM radius_login_state WHERE subscription_id IN (SELECT id FROM old_rows);
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM radius_login_state_refresh(ARRAY(
            SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
            WHERE (o.router_id, o.username, o.password_nt_hash, o.static_ip, o.status, o.connection_type, o.paid_through, o.package_id, o.mac_address)
                  IS DISTINCT FROM
                  (n.router_id, n.username, n.password_nt_hash, n.static_ip, n.status, n.connection_type, n.paid_through, n.package_id, n.mac_address)));
    ELSE  -- TRUNCATE
        TRUNCATE radius_login_state;
    END IF;
    RETURN NULL;
END
$$;


--
-- Name: radius_open_sessions(bigint, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.radius_open_sessions(p_router_id bigint, p_username text) RETURNS bigint
    LANGUAGE plpgsql STABLE
    SET enable_seqscan TO 'off'
    AS $$
BEGIN
    RETURN (SELECT count(*) FROM radius_radacct a
            WHERE a.router_id = p_router_id AND a.username = p_username AND a.acctstoptime IS NULL
            AND NOT EXISTS (SELECT FROM radius_router_reload r
                            WHERE r.router_id = p_router_id AND r.reloaded_at >= a.acctstarttime));
END
$$;


--
-- Name: radius_reply_rows(bigint, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.radius_reply_rows(p_router_id bigint, p_username text) RETURNS TABLE(r_id bigint, r_username text, r_attribute text, r_value text, r_op text)
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    RETURN QUERY
    SELECT c.id, c.username::text, c.attribute, c.value, c.op
    FROM radius_reply c WHERE c.router_id = p_router_id AND c.username = p_username;
END
$$;


--
-- Name: radius_speed_list(bigint, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.radius_speed_list(p_subscription_id bigint, p_default text) RETURNS text
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
BEGIN
    IF p_default IS NOT NULL THEN
        RETURN p_default;
    END IF;
    RETURN (
        SELECT 'ispbill-pkg-' || p.id
        FROM customers_subscription s JOIN customers_package p ON p.id = s.package_id
        WHERE s.id = p_subscription_id AND (p.bdix_download_mbps IS NOT NULL OR p.cache_download_mbps IS NOT NULL)
    );
END
$$;


--
-- Name: radius_speed_rate(bigint, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.radius_speed_rate(p_subscription_id bigint, p_default text) RETURNS text
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
BEGIN
    RETURN COALESCE((
        SELECT w.upload_mbps || 'M/' || w.download_mbps || 'M'
        FROM customers_subscription s
        JOIN customers_packagespeedwindow w ON w.package_id = s.package_id
        CROSS JOIN LATERAL (SELECT (now() AT TIME ZONE current_setting('TimeZone'))::time AS t) n
        WHERE s.id = p_subscription_id
          AND CASE WHEN w.starts < w.ends THEN n.t >= w.starts AND n.t < w.ends ELSE n.t >= w.starts OR n.t < w.ends END
          AND NOT EXISTS (SELECT 1 FROM network_fupstate f JOIN customers_package p ON p.id = s.package_id
                          WHERE f.subscription_id = s.id AND f.throttled_at IS NOT NULL AND f.lifted_at IS NULL
                            AND p.fup_download_mbps IS NOT NULL)
        ORDER BY w.starts LIMIT 1
    ), p_default);
END
$$;


--
-- Name: voucher_account(bigint, text, text, text, text, bigint, bigint); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.voucher_account(p_router_id bigint, p_unique_id text, p_username_hex text, p_mac text, p_status text, p_input bigint, p_output bigint) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
DECLARE
    v_user text;
    v_login_mac text;
    v_card bigint;
    v_counted bigint;
    v_key bytea;
    v_total bigint := CASE WHEN p_status = 'Start' THEN 0 ELSE GREATEST(0, COALESCE(p_input, 0) + COALESCE(p_output, 0)) END;
BEGIN
    SELECT cs.card_id, cs.counted_bytes INTO v_card, v_counted FROM vouchers_cardsession cs WHERE cs.acctuniqueid = p_unique_id FOR UPDATE;
    IF NOT FOUND THEN
        IF p_status NOT IN ('Start', 'Interim-Update', 'Stop') THEN
            RETURN '';
        END IF;
        v_user := voucher_hex_text(p_username_hex);
        IF EXISTS (SELECT 1 FROM customers_subscription s
                   WHERE s.router_id = p_router_id AND s.username = v_user AND s.status <> 'cancelled') THEN
            RETURN '';  -- a subscriber's hotspot login (answered before any card)
        END IF;
        v_login_mac := voucher_mac(v_user);
        IF v_login_mac IS NOT NULL THEN
            SELECT c.id INTO v_card FROM vouchers_vouchercard c
            WHERE c.remembered_mac = v_login_mac ORDER BY c.remembered_until DESC NULLS LAST LIMIT 1;
        ELSIF length(voucher_normalise(v_user)) = 12 THEN
            SELECT k.hmac_key INTO v_key FROM vouchers_cardloginkey k WHERE k.id = 1;
            SELECT c.id INTO v_card FROM vouchers_vouchercard c
            WHERE c.code_hmac = encode(hmac(convert_to(voucher_normalise(v_user), 'UTF8'), v_key, 'sha256'), 'hex');
        END IF;
        IF v_card IS NULL THEN
            RETURN '';
        END IF;
        INSERT INTO vouchers_cardsession (acctuniqueid, card_id, counted_bytes, started_at)
        VALUES (p_unique_id, v_card, 0, now()) ON CONFLICT (acctuniqueid) DO NOTHING;
        SELECT cs.card_id, cs.counted_bytes INTO v_card, v_counted FROM vouchers_cardsession cs WHERE cs.acctuniqueid = p_unique_id FOR UPDATE;
    END IF;
    IF v_total > v_counted THEN
        UPDATE vouchers_cardsession SET counted_bytes = v_total WHERE acctuniqueid = p_unique_id;
        UPDATE vouchers_vouchercard SET data_used_bytes = data_used_bytes + (v_total - v_counted) WHERE id = v_card;
    END IF;
    UPDATE vouchers_vouchercard c
    SET state = CASE WHEN p.data_mb IS NOT NULL AND c.data_used_bytes >= p.data_mb::bigint * 1048576 THEN 'used_up' ELSE 'expired' END,
        ended_at = now()
    FROM vouchers_voucherbatch b JOIN vouchers_voucherplan p ON p.id = b.plan_id
    WHERE c.id = v_card AND b.id = c.batch_id AND c.state = 'active'
      AND ((p.data_mb IS NOT NULL AND c.data_used_bytes >= p.data_mb::bigint * 1048576) OR c.expires_at <= now());
    RETURN (SELECT 'card ' || lpad(c.serial::text, 9, '0') FROM vouchers_vouchercard c WHERE c.id = v_card);
END
$$;


--
-- Name: voucher_add_duration(timestamp with time zone, integer, text, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.voucher_add_duration(p_start timestamp with time zone, p_duration integer, p_unit text, p_tz text) RETURNS timestamp with time zone
    LANGUAGE sql STABLE
    AS $$
    SELECT CASE p_unit
        WHEN 'hours' THEN p_start + make_interval(hours => p_duration)
        WHEN 'days' THEN p_start + make_interval(hours => 24 * p_duration)
        ELSE ((p_start AT TIME ZONE p_tz) + make_interval(months => p_duration)) AT TIME ZONE p_tz
    END
$$;


--
-- Name: voucher_authorize_rows(bigint, text, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.voucher_authorize_rows(p_router_id bigint, p_username_hex text, p_mac text) RETURNS TABLE(r_id bigint, r_username text, r_attribute text, r_value text, r_op text)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
DECLARE
    v_user text := voucher_hex_text(p_username_hex);
    v_device text := COALESCE(voucher_mac(p_mac), '');
    v_login_mac text := voucher_mac(v_user);
    v_code text;
    v_card bigint;
    v_label text;
    v_key bytea;
    v_why text;
    v record;
    v_write boolean := false;
BEGIN
    IF v_login_mac IS NOT NULL THEN
        -- MikroTik's login by MAC: User-Name is the client's MAC. Only the device itself may use it.
        IF v_login_mac = v_device THEN
            SELECT c.id, 'card ' || lpad(c.serial::text, 9, '0') INTO v_card, v_label FROM vouchers_vouchercard c
            WHERE c.remembered_mac = v_login_mac AND c.remembered_until > now()
            ORDER BY c.remembered_until DESC LIMIT 1;
        END IF;
        IF v_card IS NULL THEN
            v_why := 'mac_unknown';
        END IF;
    ELSE
        v_code := voucher_normalise(v_user);
        SELECT k.hmac_key INTO v_key FROM vouchers_cardloginkey k WHERE k.id = 1;
        IF length(v_code) = 12 AND v_key IS NOT NULL THEN
            SELECT c.id, 'card ' || lpad(c.serial::text, 9, '0') INTO v_card, v_label FROM vouchers_vouchercard c
            WHERE c.code_hmac = encode(hmac(convert_to(v_code, 'UTF8'), v_key, 'sha256'), 'hex');
        END IF;
        IF voucher_guessing_locked(p_router_id, p_mac) THEN
            v_why := 'locked_out';  -- whatever was typed (recorded under the card's serial if it is one)
            v_card := NULL;
        ELSIF v_card IS NULL THEN
            v_why := 'card_unknown';
        END IF;
    END IF;
    IF v_why IS NULL THEN
        SELECT * INTO v FROM voucher_card_verdict(v_card, now(), v_device);
        v_why := NULLIF(v.reason, '');
        IF v_why IS NULL AND (
            SELECT count(*) FROM vouchers_cardsession cs JOIN radius_radacct a ON a.acctuniqueid = cs.acctuniqueid
            WHERE cs.card_id = v_card AND a.acctstoptime IS NULL
        ) >= v.devices THEN
            v_why := 'card_devices';  -- as many sessions open as the plan allows devices
        END IF;
        IF v_why IS NULL THEN
            SELECT c.state IN ('unsold', 'sold') OR (v_device <> '' AND NOT (c.devices ? v_device))
            INTO v_write FROM vouchers_vouchercard c WHERE c.id = v_card;
        END IF;
    END IF;
    IF v_why IS NOT NULL THEN
        RETURN QUERY
        SELECT v_card, v_user, a.attribute, a.value, ':='::text
        FROM (VALUES ('Tmp-String-0', v_why), ('Auth-Type', 'Reject'), ('Tmp-Integer-1', v_card::text), ('Tmp-String-3', v_label))
            AS a(attribute, value)
        WHERE a.value IS NOT NULL;
        RETURN;
    END IF;
    RETURN QUERY
    SELECT v_card, v_user, a.attribute, a.value, ':='::text
    FROM (VALUES
        ('Auth-Type', CASE WHEN v_login_mac IS NOT NULL THEN 'Accept' END),
        ('Cleartext-Password', CASE WHEN v_login_mac IS NULL THEN v_user END),
        ('Tmp-Integer-1', v_card::text),
        ('Tmp-Integer-2', CASE WHEN v_write THEN '1' END),
        ('Tmp-String-3', v_label),
        ('Session-Timeout', GREATEST(v.seconds_left, 1)::text),
        ('Mikrotik-Rate-Limit', voucher_card_rate(v_card, v.rate_limit)),
        ('Mikrotik-Address-List', voucher_card_list(v_card)),
        ('Mikrotik-Total-Limit', mod(v.bytes_left, 4294967296)::text),
        ('Mikrotik-Total-Limit-Gigawords', (v.bytes_left / 4294967296)::text)
    ) AS a(attribute, value)
    WHERE a.value IS NOT NULL;
END
$$;


--
-- Name: voucher_card_list(bigint); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.voucher_card_list(p_card_id bigint) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
    SELECT COALESCE(NULLIF(pr.address_list, ''),
                    CASE WHEN pk.bdix_download_mbps IS NOT NULL OR pk.cache_download_mbps IS NOT NULL THEN 'ispbill-pkg-' || pk.id END)
    FROM vouchers_vouchercard c
    JOIN vouchers_voucherbatch b ON b.id = c.batch_id
    JOIN vouchers_voucherplan p ON p.id = b.plan_id
    JOIN customers_package pk ON pk.id = p.speed_package_id
    LEFT JOIN radius_packageradius pr ON pr.package_id = pk.id
    WHERE c.id = p_card_id
$$;


--
-- Name: voucher_card_rate(bigint, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.voucher_card_rate(p_card_id bigint, p_default text) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
    SELECT COALESCE((
        SELECT w.upload_mbps || 'M/' || w.download_mbps || 'M'
        FROM vouchers_vouchercard c
        JOIN vouchers_voucherbatch b ON b.id = c.batch_id
        JOIN vouchers_voucherplan p ON p.id = b.plan_id
        JOIN customers_packagespeedwindow w ON w.package_id = p.speed_package_id
        CROSS JOIN LATERAL (SELECT (now() AT TIME ZONE COALESCE(
            (SELECT k.time_zone FROM vouchers_cardloginkey k WHERE k.id = 1), current_setting('TimeZone')))::time AS t) n
        WHERE c.id = p_card_id
          AND CASE WHEN w.starts < w.ends THEN n.t >= w.starts AND n.t < w.ends ELSE n.t >= w.starts OR n.t < w.ends END
        ORDER BY w.starts LIMIT 1
    ), p_default)
$$;


--
-- Name: voucher_card_start(bigint, timestamp with time zone, bigint, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.voucher_card_start(p_card_id bigint, p_at timestamp with time zone, p_zone_id bigint, p_device text) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
DECLARE
    tz text := COALESCE((SELECT k.time_zone FROM vouchers_cardloginkey k WHERE k.id = 1), current_setting('TimeZone'));
BEGIN
    UPDATE vouchers_vouchercard c
    SET state = 'active', first_used_at = p_at, used_zone_id = p_zone_id, sold_at = COALESCE(c.sold_at, p_at),
        expires_at = COALESCE(c.expires_at, voucher_add_duration(p_at, p.duration, p.duration_unit, tz)),
        devices = CASE WHEN COALESCE(p_device, '') <> '' AND NOT (c.devices ? p_device) AND jsonb_array_length(c.devices) < p.devices
                       THEN c.devices || to_jsonb(p_device) ELSE c.devices END
    FROM vouchers_voucherbatch b JOIN vouchers_voucherplan p ON p.id = b.plan_id
    WHERE c.id = p_card_id AND b.id = c.batch_id AND c.state IN ('unsold', 'sold');
    RETURN FOUND;
END
$$;


--
-- Name: voucher_card_verdict(bigint, timestamp with time zone, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.voucher_card_verdict(p_card_id bigint, p_now timestamp with time zone, p_device text) RETURNS TABLE(reason text, seconds_left bigint, bytes_left bigint, rate_limit text, devices integer)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
DECLARE
    c record;
    tz text := COALESCE((SELECT k.time_zone FROM vouchers_cardloginkey k WHERE k.id = 1), current_setting('TimeZone'));
    v_bytes bigint;
    v_until timestamptz;
BEGIN
    SELECT card.state, card.expires_at, card.data_used_bytes, card.devices AS used_by,
           b.status, (b.distributor_id IS NOT NULL OR b.channel = 'online') AS may_be_used, b.unused_expires_on,
           p.data_mb, p.duration, p.duration_unit, p.upload_kbps || 'k/' || p.download_kbps || 'k' AS rate,
           p.devices AS plan_devices
    INTO c
    FROM vouchers_vouchercard card
    JOIN vouchers_voucherbatch b ON b.id = card.batch_id
    JOIN vouchers_voucherplan p ON p.id = b.plan_id
    WHERE card.id = p_card_id;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'card_unknown'::text, NULL::bigint, NULL::bigint, ''::text, 0;
        RETURN;
    END IF;
    reason := CASE c.state WHEN 'used_up' THEN 'card_used_up' WHEN 'expired' THEN 'card_expired'
                           WHEN 'blocked' THEN 'card_blocked' WHEN 'cancelled' THEN 'card_cancelled' END;
    IF reason IS NULL AND c.status <> 'active' THEN
        reason := 'card_batch_stopped';
    END IF;
    IF reason IS NULL AND NOT c.may_be_used THEN
        reason := 'card_not_issued';
    END IF;
    IF reason IS NULL AND c.state IN ('unsold', 'sold') AND (p_now AT TIME ZONE tz)::date >= c.unused_expires_on THEN
        reason := 'card_expired';
    END IF;
    IF reason IS NULL AND c.expires_at IS NOT NULL AND p_now >= c.expires_at THEN
        reason := 'card_expired';
    END IF;
    IF c.data_mb IS NOT NULL THEN
        v_bytes := c.data_mb::bigint * 1048576 - c.data_used_bytes;
        IF reason IS NULL AND v_bytes <= 0 THEN
            reason := 'card_used_up';
        END IF;
    END IF;
    IF reason IS NULL AND COALESCE(p_device, '') <> '' AND NOT (c.used_by ? p_device)
       AND jsonb_array_length(c.used_by) >= c.plan_devices THEN
        reason := 'card_devices';
    END IF;
    IF reason IS NOT NULL THEN
        RETURN QUERY SELECT reason, NULL::bigint, NULL::bigint, ''::text, c.plan_devices::integer;
        RETURN;
    END IF;
    v_until := COALESCE(c.expires_at, voucher_add_duration(p_now, c.duration, c.duration_unit, tz));
    RETURN QUERY SELECT ''::text, floor(extract(epoch FROM v_until) - extract(epoch FROM p_now))::bigint, v_bytes,
                        c.rate, c.plan_devices::integer;
END
$$;


--
-- Name: voucher_guessing_locked(bigint, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.voucher_guessing_locked(p_router_id bigint, p_mac text) RETURNS boolean
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
DECLARE
    s record;
BEGIN
    SELECT COALESCE(bs.card_guess_device_limit, 5) AS per_device, COALESCE(bs.card_guess_zone_limit, 50) AS per_zone,
           make_interval(mins => COALESCE(bs.card_guess_window_minutes, 10)) AS span,
           make_interval(mins => COALESCE(bs.card_lockout_minutes, 30)) AS lock
    INTO s FROM (SELECT 1) one LEFT JOIN billing_billingsettings bs ON bs.id = 1;
    IF COALESCE(p_mac, '') <> '' AND EXISTS (
        SELECT 1 FROM (
            SELECT a.authdate, lead(a.authdate, s.per_device) OVER (ORDER BY a.authdate DESC) AS earlier
            FROM radius_postauth a
            WHERE a.reason = 'card_unknown' AND a.callingstationid = p_mac AND a.authdate > now() - s.lock - s.span
        ) w
        WHERE w.authdate > now() - s.lock AND w.earlier IS NOT NULL AND w.authdate - w.earlier <= s.span
    ) THEN
        RETURN true;
    END IF;
    RETURN EXISTS (
        SELECT 1 FROM (
            SELECT a.authdate, lead(a.authdate, s.per_zone) OVER (ORDER BY a.authdate DESC) AS earlier
            FROM radius_postauth a
            WHERE a.reason = 'card_unknown' AND a.router_id = p_router_id AND a.authdate > now() - s.lock - s.span
        ) w
        WHERE w.authdate > now() - s.lock AND w.earlier IS NOT NULL AND w.authdate - w.earlier <= s.span
    );
END
$$;


--
-- Name: voucher_hex_text(text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.voucher_hex_text(p_hex text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE
    AS $$
BEGIN
    RETURN convert_from(decode(COALESCE(p_hex, ''), 'hex'), 'UTF8');
EXCEPTION WHEN others THEN
    RETURN '';
END
$$;


--
-- Name: voucher_login_accepted(bigint, bigint, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.voucher_login_accepted(p_card_id bigint, p_router_id bigint, p_mac text) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'public', 'pg_temp'
    AS $$
DECLARE
    v_device text := COALESCE(voucher_mac(p_mac), '');
    v_state text;
BEGIN
    SELECT c.state INTO v_state FROM vouchers_vouchercard c WHERE c.id = p_card_id FOR UPDATE;
    IF v_state IN ('unsold', 'sold') THEN
        PERFORM voucher_card_start(p_card_id, now(),
            (SELECT z.id FROM vouchers_wifizone z WHERE z.router_id = p_router_id AND z.is_active ORDER BY z.id LIMIT 1), v_device);
        RETURN 'started';
    END IF;
    UPDATE vouchers_vouchercard c SET devices = c.devices || to_jsonb(v_device)
    FROM vouchers_voucherbatch b JOIN vouchers_voucherplan p ON p.id = b.plan_id
    WHERE c.id = p_card_id AND b.id = c.batch_id AND v_device <> '' AND NOT (c.devices ? v_device)
      AND jsonb_array_length(c.devices) < p.devices;
    RETURN CASE WHEN FOUND THEN 'device' ELSE '' END;
END
$$;


--
-- Name: voucher_mac(text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.voucher_mac(p_text text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $_$
    SELECT CASE WHEN p_text ~ '^[0-9A-Fa-f]{2}([:-][0-9A-Fa-f]{2}){5}$' THEN upper(replace(p_text, '-', ':')) END
$_$;


--
-- Name: voucher_normalise(text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.voucher_normalise(p_typed text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT regexp_replace(upper(COALESCE(p_typed, '')), '[^2346789ABCDEFGHJKMNPQRTUVWXYZ]', '', 'g')
$$;


SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: accounts_customersession; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.accounts_customersession (
    id bigint NOT NULL,
    session_key character varying(40) NOT NULL,
    user_agent character varying(300) NOT NULL,
    ip_address inet,
    created_at timestamp with time zone NOT NULL,
    last_seen timestamp with time zone NOT NULL,
    user_id bigint NOT NULL
);


--
-- Name: accounts_customersession_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.accounts_customersession ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.accounts_customersession_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: accounts_onetimecode; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.accounts_onetimecode (
    id bigint NOT NULL,
    purpose character varying(16) NOT NULL,
    destination character varying(254) NOT NULL,
    code_hash character varying(128) NOT NULL,
    attempts smallint NOT NULL,
    created_at timestamp with time zone NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    used_at timestamp with time zone,
    customer_id bigint NOT NULL,
    CONSTRAINT accounts_onetimecode_attempts_check CHECK ((attempts >= 0))
);


--
-- Name: accounts_onetimecode_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.accounts_onetimecode ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.accounts_onetimecode_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: accounts_user; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.accounts_user (
    id bigint NOT NULL,
    password character varying(128) NOT NULL,
    last_login timestamp with time zone,
    is_superuser boolean NOT NULL,
    username character varying(150) NOT NULL,
    first_name character varying(150) NOT NULL,
    last_name character varying(150) NOT NULL,
    email character varying(254) NOT NULL,
    is_staff boolean NOT NULL,
    is_active boolean NOT NULL,
    date_joined timestamp with time zone NOT NULL,
    kind character varying(16) NOT NULL,
    phone character varying(20) NOT NULL,
    all_branches boolean NOT NULL,
    bangla_numerals boolean NOT NULL,
    language character varying(8) NOT NULL
);


--
-- Name: accounts_user_branches; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.accounts_user_branches (
    id bigint NOT NULL,
    user_id bigint NOT NULL,
    branch_id bigint NOT NULL
);


--
-- Name: accounts_user_branches_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.accounts_user_branches ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.accounts_user_branches_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: accounts_user_groups; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.accounts_user_groups (
    id bigint NOT NULL,
    user_id bigint NOT NULL,
    group_id integer NOT NULL
);


--
-- Name: accounts_user_groups_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.accounts_user_groups ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.accounts_user_groups_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: accounts_user_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.accounts_user ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.accounts_user_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: accounts_user_user_permissions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.accounts_user_user_permissions (
    id bigint NOT NULL,
    user_id bigint NOT NULL,
    permission_id integer NOT NULL
);


--
-- Name: accounts_user_user_permissions_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.accounts_user_user_permissions ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.accounts_user_user_permissions_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: api_apisettings; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.api_apisettings (
    id bigint NOT NULL,
    app_token_days smallint NOT NULL,
    CONSTRAINT api_apisettings_app_token_days_check CHECK ((app_token_days >= 0)),
    CONSTRAINT api_settings_app_token_days_range CHECK (((app_token_days >= 1) AND (app_token_days <= 365))),
    CONSTRAINT api_settings_single_row CHECK ((id = 1))
);


--
-- Name: api_apisettings_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.api_apisettings ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.api_apisettings_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: api_apitoken; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.api_apitoken (
    id bigint NOT NULL,
    name character varying(100) NOT NULL,
    kind character varying(10) NOT NULL,
    prefix character varying(16) NOT NULL,
    token_hash character varying(64) NOT NULL,
    scopes jsonb NOT NULL,
    all_branches boolean NOT NULL,
    rate_per_minute integer NOT NULL,
    created_at timestamp with time zone NOT NULL,
    last_used_at timestamp with time zone,
    revoked_at timestamp with time zone,
    created_by_id bigint,
    customer_id bigint,
    user_id bigint NOT NULL,
    expires_at timestamp with time zone,
    password_fingerprint character varying(64) NOT NULL,
    CONSTRAINT api_apitoken_rate_per_minute_check CHECK ((rate_per_minute >= 0))
);


--
-- Name: api_apitoken_branches; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.api_apitoken_branches (
    id bigint NOT NULL,
    apitoken_id bigint NOT NULL,
    branch_id bigint NOT NULL
);


--
-- Name: api_apitoken_branches_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.api_apitoken_branches ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.api_apitoken_branches_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: api_apitoken_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.api_apitoken ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.api_apitoken_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: auth_group; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.auth_group (
    id integer NOT NULL,
    name character varying(150) NOT NULL
);


--
-- Name: auth_group_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.auth_group ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.auth_group_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: auth_group_permissions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.auth_group_permissions (
    id bigint NOT NULL,
    group_id integer NOT NULL,
    permission_id integer NOT NULL
);


--
-- Name: auth_group_permissions_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.auth_group_permissions ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.auth_group_permissions_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: auth_permission; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.auth_permission (
    id integer NOT NULL,
    name character varying(255) NOT NULL,
    content_type_id integer NOT NULL,
    codename character varying(100) NOT NULL
);


--
-- Name: auth_permission_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.auth_permission ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.auth_permission_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: axes_accessattempt; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.axes_accessattempt (
    id integer NOT NULL,
    user_agent character varying(255) NOT NULL,
    ip_address inet,
    username character varying(255),
    http_accept character varying(1025) NOT NULL,
    path_info character varying(255) NOT NULL,
    attempt_time timestamp with time zone NOT NULL,
    get_data text NOT NULL,
    post_data text NOT NULL,
    failures_since_start integer NOT NULL,
    CONSTRAINT axes_accessattempt_failures_since_start_check CHECK ((failures_since_start >= 0))
);


--
-- Name: axes_accessattempt_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.axes_accessattempt ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.axes_accessattempt_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: axes_accessattemptexpiration; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.axes_accessattemptexpiration (
    access_attempt_id integer NOT NULL,
    expires_at timestamp with time zone NOT NULL
);


--
-- Name: axes_accessfailurelog; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.axes_accessfailurelog (
    id integer NOT NULL,
    user_agent character varying(255) NOT NULL,
    ip_address inet,
    username character varying(255),
    http_accept character varying(1025) NOT NULL,
    path_info character varying(255) NOT NULL,
    attempt_time timestamp with time zone NOT NULL,
    locked_out boolean NOT NULL
);


--
-- Name: axes_accessfailurelog_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.axes_accessfailurelog ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.axes_accessfailurelog_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: axes_accesslog; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.axes_accesslog (
    id integer NOT NULL,
    user_agent character varying(255) NOT NULL,
    ip_address inet,
    username character varying(255),
    http_accept character varying(1025) NOT NULL,
    path_info character varying(255) NOT NULL,
    attempt_time timestamp with time zone NOT NULL,
    logout_time timestamp with time zone,
    session_hash character varying(64) NOT NULL
);


--
-- Name: axes_accesslog_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.axes_accesslog ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.axes_accesslog_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: billing_account; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.billing_account (
    id bigint NOT NULL,
    balance numeric(14,2) NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    customer_id bigint NOT NULL
)
WITH (fillfactor='80');


--
-- Name: billing_account_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.billing_account ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.billing_account_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: billing_allocation; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.billing_allocation (
    id bigint NOT NULL,
    amount numeric(14,2) NOT NULL,
    created_at timestamp with time zone NOT NULL,
    payment_id bigint,
    invoice_id bigint NOT NULL,
    CONSTRAINT allocation_amount_not_zero CHECK ((NOT (amount = (0)::numeric)))
);


--
-- Name: billing_allocation_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.billing_allocation ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.billing_allocation_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: billing_billingrun; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.billing_billingrun (
    id bigint NOT NULL,
    run_date date NOT NULL,
    dry_run boolean NOT NULL,
    status character varying(16) NOT NULL,
    started_at timestamp with time zone NOT NULL,
    finished_at timestamp with time zone,
    chunks_total integer NOT NULL,
    chunks_done integer NOT NULL,
    issued integer NOT NULL,
    overdue integer NOT NULL,
    late_fees integer NOT NULL,
    suspended integer NOT NULL,
    failed integer NOT NULL,
    errors jsonb NOT NULL,
    started_by_id bigint,
    chunks_failed integer NOT NULL,
    issued_total numeric(14,2) NOT NULL,
    CONSTRAINT billing_billingrun_chunks_done_check CHECK ((chunks_done >= 0)),
    CONSTRAINT billing_billingrun_chunks_failed_check CHECK ((chunks_failed >= 0)),
    CONSTRAINT billing_billingrun_chunks_total_check CHECK ((chunks_total >= 0)),
    CONSTRAINT billing_billingrun_failed_check CHECK ((failed >= 0)),
    CONSTRAINT billing_billingrun_issued_check CHECK ((issued >= 0)),
    CONSTRAINT billing_billingrun_late_fees_check CHECK ((late_fees >= 0)),
    CONSTRAINT billing_billingrun_overdue_check CHECK ((overdue >= 0)),
    CONSTRAINT billing_billingrun_suspended_check CHECK ((suspended >= 0)),
    CONSTRAINT billing_run_chunks_counted CHECK ((chunks_done <= (chunks_total - chunks_failed)))
);


--
-- Name: billing_billingrun_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.billing_billingrun ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.billing_billingrun_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: billing_billingrunchunk; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.billing_billingrunchunk (
    id bigint NOT NULL,
    first_id bigint NOT NULL,
    last_id bigint NOT NULL,
    status character varying(16) NOT NULL,
    issued integer NOT NULL,
    issued_total numeric(14,2) NOT NULL,
    sample jsonb NOT NULL,
    error text NOT NULL,
    finished_at timestamp with time zone,
    run_id bigint NOT NULL,
    CONSTRAINT billing_billingrunchunk_issued_check CHECK ((issued >= 0)),
    CONSTRAINT billing_run_chunk_ordered CHECK ((last_id >= first_id))
);


--
-- Name: billing_billingrunchunk_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.billing_billingrunchunk ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.billing_billingrunchunk_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: billing_billingsettings; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.billing_billingsettings (
    id bigint NOT NULL,
    mode character varying(16) NOT NULL,
    allowed_anchor_days jsonb NOT NULL,
    default_anchor_day smallint NOT NULL,
    issue_days_before smallint NOT NULL,
    due_days smallint NOT NULL,
    grace_days smallint NOT NULL,
    vat_rate numeric(5,2) NOT NULL,
    prices_include_vat boolean NOT NULL,
    vat_registration_number character varying(40) NOT NULL,
    late_fee numeric(14,2) NOT NULL,
    reconnection_fee numeric(14,2) NOT NULL,
    credit_unused_days_on_cancel boolean NOT NULL,
    downgrade_at_next_cycle boolean NOT NULL,
    isp_name character varying(150) NOT NULL,
    isp_address text NOT NULL,
    isp_phone character varying(40) NOT NULL,
    isp_email character varying(254) NOT NULL,
    logo character varying(100) NOT NULL,
    currency character varying(3) NOT NULL,
    rent_during_pause boolean NOT NULL,
    blocked_access character varying(16) NOT NULL,
    walled_garden_pool character varying(64) NOT NULL,
    session_log_retention_months smallint NOT NULL,
    card_guess_device_limit smallint NOT NULL,
    card_guess_window_minutes smallint NOT NULL,
    card_guess_zone_limit integer NOT NULL,
    card_lockout_minutes smallint NOT NULL,
    invoice_at_activation boolean NOT NULL,
    CONSTRAINT billing_billingsettings_card_guess_device_limit_check CHECK ((card_guess_device_limit >= 0)),
    CONSTRAINT billing_billingsettings_card_guess_window_minutes_check CHECK ((card_guess_window_minutes >= 0)),
    CONSTRAINT billing_billingsettings_card_guess_zone_limit_check CHECK ((card_guess_zone_limit >= 0)),
    CONSTRAINT billing_billingsettings_card_lockout_minutes_check CHECK ((card_lockout_minutes >= 0)),
    CONSTRAINT billing_billingsettings_default_anchor_day_check CHECK ((default_anchor_day >= 0)),
    CONSTRAINT billing_billingsettings_due_days_check CHECK ((due_days >= 0)),
    CONSTRAINT billing_billingsettings_grace_days_check CHECK ((grace_days >= 0)),
    CONSTRAINT billing_billingsettings_issue_days_before_check CHECK ((issue_days_before >= 0)),
    CONSTRAINT billing_billingsettings_session_log_retention_months_check CHECK ((session_log_retention_months >= 0)),
    CONSTRAINT billing_card_guess_limits_positive CHECK (((card_guess_device_limit >= 1) AND (card_guess_window_minutes >= 1) AND (card_guess_zone_limit >= 1) AND (card_lockout_minutes >= 1))),
    CONSTRAINT billing_fees_not_negative CHECK (((late_fee >= (0)::numeric) AND (reconnection_fee >= (0)::numeric))),
    CONSTRAINT billing_session_log_retention_range CHECK (((session_log_retention_months >= 1) AND (session_log_retention_months <= 120))),
    CONSTRAINT billing_settings_single_row CHECK ((id = 1)),
    CONSTRAINT billing_vat_rate_range CHECK (((vat_rate >= (0)::numeric) AND (vat_rate <= (100)::numeric)))
);


--
-- Name: billing_billingsettings_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.billing_billingsettings ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.billing_billingsettings_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: billing_cardsale; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.billing_cardsale (
    id bigint NOT NULL,
    amount numeric(14,2) NOT NULL,
    price numeric(14,2) NOT NULL,
    fee numeric(14,2) NOT NULL,
    fee_passed boolean NOT NULL,
    method character varying(16) NOT NULL,
    reference character varying(100) NOT NULL,
    idempotency_key character varying(64) NOT NULL,
    received_at timestamp with time zone NOT NULL,
    memo character varying(255) NOT NULL,
    created_at timestamp with time zone NOT NULL,
    CONSTRAINT cardsale_fee_not_negative CHECK ((fee >= (0)::numeric)),
    CONSTRAINT cardsale_price_in_amount CHECK (((price > (0)::numeric) AND (amount >= price)))
);


--
-- Name: billing_cardsale_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.billing_cardsale ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.billing_cardsale_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: billing_cardsalerefund; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.billing_cardsalerefund (
    id bigint NOT NULL,
    amount numeric(14,2) NOT NULL,
    price numeric(14,2) NOT NULL,
    reference character varying(100) NOT NULL,
    idempotency_key character varying(64) NOT NULL,
    refunded_at timestamp with time zone NOT NULL,
    memo character varying(255) NOT NULL,
    created_at timestamp with time zone NOT NULL,
    sale_id bigint NOT NULL,
    CONSTRAINT cardsalerefund_price_in_amount CHECK (((price > (0)::numeric) AND (amount >= price)))
);


--
-- Name: billing_cardsalerefund_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.billing_cardsalerefund ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.billing_cardsalerefund_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: billing_commissionentry; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.billing_commissionentry (
    id bigint NOT NULL,
    kind character varying(16) NOT NULL,
    amount numeric(14,2) NOT NULL,
    period date NOT NULL,
    base_amount numeric(14,2),
    rate numeric(5,2),
    memo character varying(255) NOT NULL,
    created_at timestamp with time zone NOT NULL,
    created_by_id bigint,
    payment_id bigint,
    subscription_id bigint,
    wallet_id bigint NOT NULL,
    CONSTRAINT commission_moves_money CHECK ((NOT (amount = (0)::numeric)))
);


--
-- Name: billing_commissionentry_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.billing_commissionentry ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.billing_commissionentry_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: billing_crediteddays; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.billing_crediteddays (
    id bigint NOT NULL,
    first_day date NOT NULL,
    last_day date NOT NULL,
    created_at timestamp with time zone NOT NULL,
    entry_id bigint NOT NULL,
    line_id bigint NOT NULL,
    CONSTRAINT credited_days_ordered CHECK ((last_day >= first_day))
);


--
-- Name: billing_crediteddays_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.billing_crediteddays ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.billing_crediteddays_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: billing_creditnote; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.billing_creditnote (
    id bigint NOT NULL,
    number character varying(32) NOT NULL,
    amount numeric(14,2) NOT NULL,
    reason character varying(255) NOT NULL,
    created_at timestamp with time zone NOT NULL,
    created_by_id bigint,
    customer_id bigint NOT NULL,
    entry_id bigint NOT NULL,
    invoice_id bigint NOT NULL,
    challan_number character varying(32) DEFAULT ''::character varying NOT NULL,
    CONSTRAINT credit_note_amount_positive CHECK ((amount > (0)::numeric))
);


--
-- Name: billing_creditnote_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.billing_creditnote ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.billing_creditnote_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: billing_debitnote; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.billing_debitnote (
    id bigint NOT NULL,
    number character varying(32) NOT NULL,
    net numeric(14,2) NOT NULL,
    vat numeric(14,2) NOT NULL,
    amount numeric(14,2) NOT NULL,
    reason character varying(255) NOT NULL,
    created_at timestamp with time zone NOT NULL,
    challan_number character varying(32) NOT NULL,
    charge_id bigint NOT NULL,
    created_by_id bigint,
    customer_id bigint NOT NULL,
    entry_id bigint NOT NULL,
    invoice_id bigint NOT NULL,
    CONSTRAINT debit_note_amount_is_sum CHECK ((amount = round((net + vat), 2))),
    CONSTRAINT debit_note_amounts_positive CHECK (((net > (0)::numeric) AND (vat >= (0)::numeric)))
);


--
-- Name: billing_debitnote_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.billing_debitnote ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.billing_debitnote_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: billing_invoice; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.billing_invoice (
    id bigint NOT NULL,
    number character varying(32) NOT NULL,
    status character varying(16) NOT NULL,
    issue_date date NOT NULL,
    due_date date NOT NULL,
    subtotal numeric(14,2) NOT NULL,
    vat_total numeric(14,2) NOT NULL,
    total numeric(14,2) NOT NULL,
    vat_rate numeric(5,2) NOT NULL,
    amount_paid numeric(14,2) NOT NULL,
    late_fee_applied boolean NOT NULL,
    void_reason text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    billing_run_id bigint,
    customer_id bigint NOT NULL,
    challan_number character varying(32) DEFAULT ''::character varying NOT NULL,
    CONSTRAINT invoice_due_after_issue CHECK ((due_date >= issue_date)),
    CONSTRAINT invoice_paid_not_negative CHECK ((amount_paid >= (0)::numeric)),
    CONSTRAINT invoice_total_is_sum CHECK ((total = round((subtotal + vat_total), 2)))
);


--
-- Name: billing_invoice_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.billing_invoice ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.billing_invoice_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: billing_invoiceline; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.billing_invoiceline (
    id bigint NOT NULL,
    kind character varying(16) NOT NULL,
    description character varying(255) NOT NULL,
    period_start date,
    period_end date,
    net numeric(14,2) NOT NULL,
    vat numeric(14,2) NOT NULL,
    gross numeric(14,2) NOT NULL,
    invoice_id bigint NOT NULL,
    subscription_id bigint,
    CONSTRAINT invoice_line_gross_is_sum CHECK ((gross = round((net + vat), 2))),
    CONSTRAINT invoice_line_period_ordered CHECK (((period_start IS NULL) OR (period_end >= period_start)))
);


--
-- Name: billing_invoiceline_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.billing_invoiceline ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.billing_invoiceline_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: billing_ledgerentry; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.billing_ledgerentry (
    id bigint NOT NULL,
    kind character varying(16) NOT NULL,
    amount numeric(14,2) NOT NULL,
    memo character varying(255) NOT NULL,
    effective_date date NOT NULL,
    created_at timestamp with time zone NOT NULL,
    account_id bigint NOT NULL,
    created_by_id bigint,
    invoice_id bigint,
    payment_id bigint,
    reverses_id bigint,
    CONSTRAINT ledger_amount_not_zero CHECK ((NOT (amount = (0)::numeric)))
);


--
-- Name: billing_ledgerentry_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.billing_ledgerentry ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.billing_ledgerentry_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: billing_linecredit; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.billing_linecredit (
    id bigint NOT NULL,
    amount numeric(24,10) NOT NULL,
    reason character varying(255) NOT NULL,
    created_at timestamp with time zone NOT NULL,
    line_id bigint NOT NULL
);


--
-- Name: billing_linecredit_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.billing_linecredit ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.billing_linecredit_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: billing_onetimecharge; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.billing_onetimecharge (
    id bigint NOT NULL,
    kind character varying(20) NOT NULL,
    description character varying(200) NOT NULL,
    amount numeric(14,2) NOT NULL,
    status character varying(16) NOT NULL,
    cancel_reason character varying(255) NOT NULL,
    created_at timestamp with time zone NOT NULL,
    created_by_id bigint,
    customer_id bigint NOT NULL,
    invoice_id bigint,
    subscription_id bigint,
    CONSTRAINT one_time_charge_amount_positive CHECK ((amount > (0)::numeric)),
    CONSTRAINT one_time_charge_invoiced_has_invoice CHECK ((((invoice_id IS NOT NULL) AND ((status)::text = 'invoiced'::text)) OR ((NOT ((status)::text = 'invoiced'::text)) AND (invoice_id IS NULL))))
);


--
-- Name: billing_onetimecharge_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.billing_onetimecharge ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.billing_onetimecharge_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: billing_packagechange; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.billing_packagechange (
    id bigint NOT NULL,
    source character varying(16) NOT NULL,
    requested_at timestamp with time zone NOT NULL,
    note text NOT NULL,
    status character varying(16) NOT NULL,
    effective_mode character varying(16) NOT NULL,
    effective_date date NOT NULL,
    decided_at timestamp with time zone,
    decision_note text NOT NULL,
    credit numeric(14,2) NOT NULL,
    charge numeric(14,2) NOT NULL,
    vat numeric(14,2) NOT NULL,
    total numeric(14,2) NOT NULL,
    adjust_through date,
    applied_at timestamp with time zone,
    credit_entry_id bigint,
    decided_by_id bigint,
    from_package_id bigint NOT NULL,
    invoice_id bigint,
    requested_by_id bigint,
    subscription_id bigint NOT NULL,
    to_package_id bigint NOT NULL,
    CONSTRAINT package_change_amounts_not_negative CHECK (((charge >= (0)::numeric) AND (credit >= (0)::numeric))),
    CONSTRAINT package_change_to_another_package CHECK ((NOT (to_package_id = from_package_id)))
);


--
-- Name: billing_packagechange_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.billing_packagechange ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.billing_packagechange_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: billing_resellerwallet; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.billing_resellerwallet (
    id bigint NOT NULL,
    balance numeric(14,2) NOT NULL,
    credit_limit numeric(14,2) NOT NULL,
    commission_owed numeric(14,2) NOT NULL,
    alert_level smallint NOT NULL,
    commission_closed_through date,
    updated_at timestamp with time zone NOT NULL,
    reseller_id bigint NOT NULL,
    CONSTRAINT billing_resellerwallet_alert_level_check CHECK ((alert_level >= 0)),
    CONSTRAINT wallet_credit_limit_not_negative CHECK ((credit_limit >= (0)::numeric)),
    CONSTRAINT wallet_within_credit_limit CHECK ((balance >= (credit_limit * ('-1'::integer)::numeric)))
);


--
-- Name: billing_resellerwallet_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.billing_resellerwallet ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.billing_resellerwallet_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: billing_walletentry; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.billing_walletentry (
    id bigint NOT NULL,
    kind character varying(16) NOT NULL,
    amount numeric(14,2) NOT NULL,
    balance_after numeric(14,2) NOT NULL,
    period_start date,
    period_end date,
    idempotency_key character varying(64),
    method character varying(16) NOT NULL,
    reference character varying(100) NOT NULL,
    memo character varying(255) NOT NULL,
    created_at timestamp with time zone NOT NULL,
    created_by_id bigint,
    reverses_id bigint,
    subscription_id bigint,
    wallet_id bigint NOT NULL,
    CONSTRAINT walletentry_moves_money CHECK ((NOT (amount = (0)::numeric)))
);


--
-- Name: billing_walletentry_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.billing_walletentry ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.billing_walletentry_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: books_bankaccount; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.books_bankaccount (
    id bigint NOT NULL,
    name character varying(100) NOT NULL,
    bank character varying(100) NOT NULL,
    number character varying(40) NOT NULL,
    created_at timestamp with time zone NOT NULL,
    ledger_account_id bigint NOT NULL
);


--
-- Name: books_bankaccount_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.books_bankaccount ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.books_bankaccount_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: books_bankmovement; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.books_bankmovement (
    id bigint NOT NULL,
    kind character varying(10) NOT NULL,
    amount numeric(14,2) NOT NULL,
    date date NOT NULL,
    reference character varying(64) NOT NULL,
    created_at timestamp with time zone NOT NULL,
    created_by_id bigint,
    from_bank_id bigint,
    from_branch_id bigint,
    to_bank_id bigint NOT NULL,
    gateway character varying(10) NOT NULL,
    CONSTRAINT bankmovement_amount_positive CHECK ((amount > (0)::numeric)),
    CONSTRAINT bankmovement_not_to_itself CHECK ((NOT ((from_bank_id = to_bank_id) AND (from_bank_id IS NOT NULL)))),
    CONSTRAINT bankmovement_one_source CHECK ((((from_bank_id IS NULL) AND (from_branch_id IS NOT NULL) AND ((kind)::text = 'deposit'::text)) OR ((from_bank_id IS NOT NULL) AND (from_branch_id IS NULL) AND ((kind)::text = 'transfer'::text)) OR ((from_bank_id IS NULL) AND (from_branch_id IS NULL) AND ((kind)::text = 'settlement'::text) AND (NOT ((gateway)::text = ''::text)))))
);


--
-- Name: books_bankmovement_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.books_bankmovement ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.books_bankmovement_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: books_bill; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.books_bill (
    id bigint NOT NULL,
    number character varying(20) NOT NULL,
    supplier_reference character varying(64) NOT NULL,
    category character varying(16) NOT NULL,
    bill_date date NOT NULL,
    description character varying(255) NOT NULL,
    net numeric(14,2) NOT NULL,
    vat numeric(14,2) NOT NULL,
    status character varying(10) NOT NULL,
    created_at timestamp with time zone NOT NULL,
    approved_at timestamp with time zone,
    paid_from character varying(4) NOT NULL,
    paid_on date,
    payment_reference character varying(64) NOT NULL,
    attachment character varying(200) NOT NULL,
    attachment_name character varying(150) NOT NULL,
    attachment_type character varying(80) NOT NULL,
    equipment_model character varying(120) NOT NULL,
    equipment_serials jsonb NOT NULL,
    approved_by_id bigint,
    branch_id bigint NOT NULL,
    created_by_id bigint,
    paid_bank_id bigint,
    paid_by_id bigint,
    supplier_id bigint NOT NULL,
    amount_paid numeric(14,2) NOT NULL,
    CONSTRAINT bill_amounts_positive CHECK (((net > (0)::numeric) AND (vat >= (0)::numeric))),
    CONSTRAINT bill_paid_has_a_date CHECK ((((paid_on IS NOT NULL) AND ((status)::text = 'paid'::text)) OR (NOT ((status)::text = 'paid'::text)))),
    CONSTRAINT bill_paid_not_negative CHECK ((amount_paid >= (0)::numeric))
);


--
-- Name: books_bill_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.books_bill ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.books_bill_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: books_billpayment; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.books_billpayment (
    id bigint NOT NULL,
    amount numeric(14,2) NOT NULL,
    paid_from character varying(4) NOT NULL,
    paid_on date NOT NULL,
    reference character varying(64) NOT NULL,
    created_at timestamp with time zone NOT NULL,
    bank_id bigint,
    bill_id bigint NOT NULL,
    paid_by_id bigint,
    CONSTRAINT billpayment_amount_positive CHECK ((amount > (0)::numeric)),
    CONSTRAINT billpayment_bank_when_from_bank CHECK ((((bank_id IS NOT NULL) AND ((paid_from)::text = 'bank'::text)) OR ((bank_id IS NULL) AND ((paid_from)::text = 'cash'::text))))
);


--
-- Name: books_billpayment_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.books_billpayment ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.books_billpayment_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: books_journalentry; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.books_journalentry (
    id bigint NOT NULL,
    source character varying(20) NOT NULL,
    source_id bigint NOT NULL,
    date date NOT NULL,
    kind character varying(24) NOT NULL,
    reference character varying(64) NOT NULL,
    memo character varying(255) NOT NULL,
    created_at timestamp with time zone NOT NULL
);


--
-- Name: books_journalentry_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.books_journalentry ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.books_journalentry_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: books_journalline; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.books_journalline (
    id bigint NOT NULL,
    debit numeric(14,2) NOT NULL,
    credit numeric(14,2) NOT NULL,
    branch_id bigint,
    customer_id bigint,
    entry_id bigint NOT NULL,
    account_id bigint NOT NULL,
    CONSTRAINT journalline_one_side CHECK ((((debit > (0)::numeric) AND (credit = (0)::numeric)) OR ((credit > (0)::numeric) AND (debit = (0)::numeric))))
);


--
-- Name: books_journalline_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.books_journalline ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.books_journalline_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: books_ledgeraccount; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.books_ledgeraccount (
    id bigint NOT NULL,
    code character varying(10) NOT NULL,
    name character varying(120) NOT NULL,
    type character varying(16) NOT NULL
);


--
-- Name: books_ledgeraccount_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.books_ledgeraccount ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.books_ledgeraccount_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: books_supplier; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.books_supplier (
    id bigint NOT NULL,
    name character varying(150) NOT NULL,
    bin character varying(13) NOT NULL,
    phone character varying(40) NOT NULL,
    address character varying(255) NOT NULL,
    created_at timestamp with time zone NOT NULL
);


--
-- Name: books_supplier_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.books_supplier ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.books_supplier_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: churn_churnmodel; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.churn_churnmodel (
    id bigint NOT NULL,
    version integer NOT NULL,
    trained_at timestamp with time zone NOT NULL,
    status character varying(10) NOT NULL,
    refusal_reason text NOT NULL,
    algorithm character varying(60) NOT NULL,
    feature_names jsonb NOT NULL,
    cutoffs jsonb NOT NULL,
    training_rows integer NOT NULL,
    training_positives integer NOT NULL,
    backtest jsonb NOT NULL,
    band_thresholds jsonb NOT NULL,
    artifact bytea,
    CONSTRAINT churn_churnmodel_training_positives_check CHECK ((training_positives >= 0)),
    CONSTRAINT churn_churnmodel_training_rows_check CHECK ((training_rows >= 0)),
    CONSTRAINT churn_churnmodel_version_check CHECK ((version >= 0))
);


--
-- Name: churn_churnmodel_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.churn_churnmodel ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.churn_churnmodel_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: churn_churnrisk; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.churn_churnrisk (
    id bigint NOT NULL,
    scored_on date NOT NULL,
    probability double precision NOT NULL,
    band character varying(10) NOT NULL,
    reasons jsonb NOT NULL,
    mrr numeric(14,2) NOT NULL,
    customer_id bigint NOT NULL,
    model_id bigint NOT NULL
);


--
-- Name: churn_churnrisk_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.churn_churnrisk ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.churn_churnrisk_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: churn_geminisettings; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.churn_geminisettings (
    id bigint NOT NULL,
    api_key text NOT NULL,
    model_name character varying(60) NOT NULL,
    updated_at timestamp with time zone NOT NULL
);


--
-- Name: churn_geminisettings_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.churn_geminisettings ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.churn_geminisettings_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: churn_retentioncalltask; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.churn_retentioncalltask (
    id bigint NOT NULL,
    due_date date NOT NULL,
    status character varying(8) NOT NULL,
    outcome character varying(16) NOT NULL,
    outcome_note text NOT NULL,
    probability double precision,
    script text NOT NULL,
    sms_draft text NOT NULL,
    drafts_language character varying(2) NOT NULL,
    drafts_by_gemini boolean NOT NULL,
    sms_sent_at timestamp with time zone,
    created_at timestamp with time zone NOT NULL,
    completed_at timestamp with time zone,
    assignee_id bigint NOT NULL,
    created_by_id bigint,
    customer_id bigint NOT NULL,
    CONSTRAINT retention_call_outcome_when_done CHECK (((((outcome)::text = ''::text) AND ((status)::text = 'open'::text)) OR (((status)::text = 'done'::text) AND (NOT ((outcome)::text = ''::text)))))
);


--
-- Name: churn_retentioncalltask_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.churn_retentioncalltask ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.churn_retentioncalltask_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: churn_retentionfieldcheck; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.churn_retentionfieldcheck (
    id bigint NOT NULL,
    created_at timestamp with time zone NOT NULL,
    created_by_id bigint,
    customer_id bigint NOT NULL,
    work_order_id bigint NOT NULL
);


--
-- Name: churn_retentionfieldcheck_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.churn_retentionfieldcheck ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.churn_retentionfieldcheck_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: churn_retentionoffer; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.churn_retentionoffer (
    id bigint NOT NULL,
    kind character varying(16) NOT NULL,
    percent numeric(5,2),
    months smallint NOT NULL,
    starts_on date NOT NULL,
    ends_on date NOT NULL,
    status character varying(10) NOT NULL,
    note text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    ended_at timestamp with time zone,
    created_by_id bigint,
    customer_id bigint NOT NULL,
    original_package_id bigint NOT NULL,
    subscription_id bigint NOT NULL,
    switch_back_change_id bigint,
    upgrade_change_id bigint,
    upgrade_package_id bigint,
    CONSTRAINT churn_retentionoffer_months_check CHECK ((months >= 0)),
    CONSTRAINT retention_offer_kind_fields CHECK (((((kind)::text = 'discount'::text) AND (percent > (0)::numeric) AND (percent <= (100)::numeric) AND (upgrade_package_id IS NULL)) OR (((kind)::text = 'free_upgrade'::text) AND (percent IS NULL) AND (upgrade_package_id IS NOT NULL)))),
    CONSTRAINT retention_offer_months CHECK (((months >= 1) AND (months <= 12)))
);


--
-- Name: churn_retentionoffer_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.churn_retentionoffer ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.churn_retentionoffer_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: churn_retentionoffercredit; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.churn_retentionoffercredit (
    id bigint NOT NULL,
    amount numeric(14,2) NOT NULL,
    created_at timestamp with time zone NOT NULL,
    account_entry_id bigint,
    credit_note_id bigint,
    invoice_id bigint NOT NULL,
    offer_id bigint NOT NULL
);


--
-- Name: churn_retentionoffercredit_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.churn_retentionoffercredit ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.churn_retentionoffercredit_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: churn_usagewindow; Type: TABLE; Schema: public; Owner: -
--

CREATE UNLOGGED TABLE public.churn_usagewindow (
    subscription_id bigint NOT NULL,
    as_of date NOT NULL,
    b7 bigint NOT NULL,
    b7_before bigint NOT NULL,
    b30 bigint NOT NULL,
    b30_before bigint NOT NULL,
    last_day date NOT NULL,
    mask integer NOT NULL
);


--
-- Name: contracts_contract; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.contracts_contract (
    id bigint NOT NULL,
    number character varying(32) NOT NULL,
    status character varying(16) NOT NULL,
    term_months smallint NOT NULL,
    start_date date NOT NULL,
    end_date date NOT NULL,
    auto_renew boolean NOT NULL,
    notice_days smallint NOT NULL,
    reminder_days smallint NOT NULL,
    monthly_price numeric(14,2) NOT NULL,
    fee_kind character varying(16) NOT NULL,
    fee_value numeric(14,2) NOT NULL,
    equipment character varying(255) NOT NULL,
    body_text text NOT NULL,
    document character varying(100) NOT NULL,
    document_sha256 character varying(64) NOT NULL,
    verify_code character varying(32) NOT NULL,
    sent_at timestamp with time zone,
    signed_at timestamp with time zone,
    ended_at timestamp with time zone,
    end_reason character varying(255) NOT NULL,
    reminder_sent_on date,
    fee_waived_reason character varying(255) NOT NULL,
    created_at timestamp with time zone NOT NULL,
    created_by_id bigint,
    customer_id bigint NOT NULL,
    fee_charge_id bigint,
    renewed_from_id bigint,
    subscription_id bigint,
    template_id bigint NOT NULL,
    replaces_id bigint,
    monthly_net numeric(14,2) NOT NULL,
    CONSTRAINT contract_end_after_start CHECK ((end_date > start_date)),
    CONSTRAINT contract_fee_percent_at_most_100 CHECK (((NOT ((fee_kind)::text = 'percent'::text)) OR (fee_value <= (100)::numeric))),
    CONSTRAINT contract_money_not_negative CHECK (((fee_value >= (0)::numeric) AND (monthly_net >= (0)::numeric) AND (monthly_price >= (0)::numeric))),
    CONSTRAINT contract_term_positive CHECK ((term_months >= 1)),
    CONSTRAINT contracts_contract_notice_days_check CHECK ((notice_days >= 0)),
    CONSTRAINT contracts_contract_reminder_days_check CHECK ((reminder_days >= 0)),
    CONSTRAINT contracts_contract_term_months_check CHECK ((term_months >= 0))
);


--
-- Name: contracts_contract_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.contracts_contract ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.contracts_contract_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: contracts_contractevent; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.contracts_contractevent (
    id bigint NOT NULL,
    seq integer NOT NULL,
    action character varying(40) NOT NULL,
    data jsonb NOT NULL,
    created_at timestamp with time zone NOT NULL,
    prev_hash character varying(64) NOT NULL,
    hash character varying(64) NOT NULL,
    actor_id bigint,
    contract_id bigint NOT NULL,
    CONSTRAINT contracts_contractevent_seq_check CHECK ((seq >= 0))
);


--
-- Name: contracts_contractevent_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.contracts_contractevent ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.contracts_contractevent_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: contracts_contractrule; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.contracts_contractrule (
    id bigint NOT NULL,
    template_key character varying(50) NOT NULL,
    connection_type character varying(16) NOT NULL,
    applies_to character varying(8) NOT NULL,
    auto_renew boolean NOT NULL,
    notice_days smallint NOT NULL,
    fee_kind character varying(16) NOT NULL,
    fee_value numeric(14,2) NOT NULL,
    send_at_once boolean NOT NULL,
    created_at timestamp with time zone NOT NULL,
    created_by_id bigint,
    package_id bigint,
    CONSTRAINT contract_rule_fee_not_negative CHECK ((fee_value >= (0)::numeric)),
    CONSTRAINT contract_rule_percent_at_most_100 CHECK (((NOT ((fee_kind)::text = 'percent'::text)) OR (fee_value <= (100)::numeric))),
    CONSTRAINT contracts_contractrule_notice_days_check CHECK ((notice_days >= 0))
);


--
-- Name: contracts_contractrule_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.contracts_contractrule ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.contracts_contractrule_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: contracts_contracttemplate; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.contracts_contracttemplate (
    id bigint NOT NULL,
    key character varying(50) NOT NULL,
    language character varying(2) NOT NULL,
    version integer NOT NULL,
    title character varying(200) NOT NULL,
    body text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    created_by_id bigint,
    CONSTRAINT contracts_contracttemplate_version_check CHECK ((version >= 0))
);


--
-- Name: contracts_contracttemplate_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.contracts_contracttemplate ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.contracts_contracttemplate_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: contracts_signature; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.contracts_signature (
    id bigint NOT NULL,
    signer_name character varying(150) NOT NULL,
    phone_verified character varying(20) NOT NULL,
    ip_address inet,
    user_agent character varying(400) NOT NULL,
    latitude numeric(9,6),
    longitude numeric(9,6),
    device_time character varying(64) NOT NULL,
    server_time timestamp with time zone NOT NULL,
    image character varying(100) NOT NULL,
    image_sha256 character varying(64) NOT NULL,
    document_sha256 character varying(64) NOT NULL,
    consent_text text NOT NULL,
    consent_sha256 character varying(64) NOT NULL,
    signed_pdf character varying(100) NOT NULL,
    signed_pdf_sha256 character varying(64) NOT NULL,
    contract_id bigint NOT NULL,
    channel character varying(16) NOT NULL,
    witness_id bigint
);


--
-- Name: contracts_signature_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.contracts_signature ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.contracts_signature_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: contracts_signingsession; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.contracts_signingsession (
    id bigint NOT NULL,
    key character varying(40) NOT NULL,
    channel character varying(16) NOT NULL,
    visit_ref character varying(40) NOT NULL,
    created_at timestamp with time zone NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    ended_at timestamp with time zone,
    contract_id bigint NOT NULL,
    one_time_code_id bigint,
    witness_id bigint
);


--
-- Name: contracts_signingsession_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.contracts_signingsession ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.contracts_signingsession_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: core_auditlog; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.core_auditlog (
    id bigint NOT NULL,
    at timestamp with time zone NOT NULL,
    action character varying(64) NOT NULL,
    object_id character varying(64) NOT NULL,
    object_repr character varying(200) NOT NULL,
    reason text NOT NULL,
    before jsonb,
    after jsonb,
    ip_address inet,
    actor_id bigint,
    content_type_id integer NOT NULL,
    via character varying(120) DEFAULT ''::character varying NOT NULL
);


--
-- Name: core_auditlog_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.core_auditlog ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.core_auditlog_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: core_jobrun; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.core_jobrun (
    id bigint NOT NULL,
    task_name character varying(200) NOT NULL,
    job character varying(100) NOT NULL,
    task_id character varying(64) NOT NULL,
    attempt smallint NOT NULL,
    trigger character varying(16) NOT NULL,
    status character varying(16) NOT NULL,
    started_at timestamp with time zone NOT NULL,
    finished_at timestamp with time zone,
    duration_ms bigint,
    processed integer,
    failed integer,
    skipped integer,
    result jsonb,
    error text NOT NULL,
    traceback text NOT NULL,
    host character varying(200) NOT NULL,
    worker character varying(200) NOT NULL,
    args jsonb NOT NULL,
    kwargs jsonb NOT NULL,
    args_complete boolean NOT NULL,
    requested_by_id bigint,
    CONSTRAINT core_jobrun_attempt_check CHECK ((attempt >= 0)),
    CONSTRAINT core_jobrun_duration_ms_check CHECK ((duration_ms >= 0)),
    CONSTRAINT core_jobrun_failed_check CHECK ((failed >= 0)),
    CONSTRAINT core_jobrun_processed_check CHECK ((processed >= 0)),
    CONSTRAINT core_jobrun_skipped_check CHECK ((skipped >= 0))
);


--
-- Name: core_jobrun_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.core_jobrun ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.core_jobrun_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: core_jobwatch; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.core_jobwatch (
    id bigint NOT NULL,
    job character varying(100) NOT NULL,
    first_seen_at timestamp with time zone NOT NULL,
    late_since timestamp with time zone,
    notified_at timestamp with time zone
);


--
-- Name: core_jobwatch_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.core_jobwatch ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.core_jobwatch_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: core_numbersequence; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.core_numbersequence (
    id bigint NOT NULL,
    key character varying(64) NOT NULL,
    last_value bigint NOT NULL,
    CONSTRAINT core_numbersequence_last_value_check CHECK ((last_value >= 0))
);


--
-- Name: core_numbersequence_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.core_numbersequence ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.core_numbersequence_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: core_ratelimitcounter; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.core_ratelimitcounter (
    id bigint NOT NULL,
    key character varying(200) NOT NULL,
    count integer NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    CONSTRAINT core_ratelimitcounter_count_check CHECK ((count >= 0))
);


--
-- Name: core_ratelimitcounter_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.core_ratelimitcounter ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.core_ratelimitcounter_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: core_webhookattempt; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.core_webhookattempt (
    id bigint NOT NULL,
    at timestamp with time zone NOT NULL,
    status_code smallint,
    duration_ms integer NOT NULL,
    error character varying(300) NOT NULL,
    delivery_id bigint NOT NULL,
    CONSTRAINT core_webhookattempt_duration_ms_check CHECK ((duration_ms >= 0)),
    CONSTRAINT core_webhookattempt_status_code_check CHECK ((status_code >= 0))
);


--
-- Name: core_webhookattempt_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.core_webhookattempt ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.core_webhookattempt_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: core_webhookdelivery; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.core_webhookdelivery (
    id bigint NOT NULL,
    event character varying(40) NOT NULL,
    event_id uuid NOT NULL,
    payload jsonb NOT NULL,
    status character varying(10) NOT NULL,
    attempts smallint NOT NULL,
    next_attempt_at timestamp with time zone,
    claimed_until timestamp with time zone,
    last_status_code smallint,
    last_duration_ms integer,
    last_error character varying(300) NOT NULL,
    delivered_at timestamp with time zone,
    created_at timestamp with time zone NOT NULL,
    replay_of_id bigint,
    endpoint_id bigint NOT NULL,
    CONSTRAINT core_webhookdelivery_attempts_check CHECK ((attempts >= 0)),
    CONSTRAINT core_webhookdelivery_last_duration_ms_check CHECK ((last_duration_ms >= 0)),
    CONSTRAINT core_webhookdelivery_last_status_code_check CHECK ((last_status_code >= 0))
);


--
-- Name: core_webhookdelivery_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.core_webhookdelivery ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.core_webhookdelivery_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: core_webhookendpoint; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.core_webhookendpoint (
    id bigint NOT NULL,
    name character varying(100) NOT NULL,
    url character varying(500) NOT NULL,
    events jsonb NOT NULL,
    secret text NOT NULL,
    is_active boolean NOT NULL,
    created_at timestamp with time zone NOT NULL,
    created_by_id bigint
);


--
-- Name: core_webhookendpoint_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.core_webhookendpoint ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.core_webhookendpoint_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: customers_area; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.customers_area (
    id bigint NOT NULL,
    name character varying(100) NOT NULL,
    branch_id bigint NOT NULL,
    collector_id bigint,
    district character varying(32) DEFAULT ''::character varying NOT NULL
);


--
-- Name: customers_area_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.customers_area ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.customers_area_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: customers_branch; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.customers_branch (
    id bigint NOT NULL,
    name character varying(100) NOT NULL,
    code character varying(10) NOT NULL,
    address text NOT NULL,
    phone character varying(20) NOT NULL
);


--
-- Name: customers_branch_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.customers_branch ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.customers_branch_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: customers_calllog; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.customers_calllog (
    id bigint NOT NULL,
    called_at timestamp with time zone NOT NULL,
    outcome character varying(16) NOT NULL,
    promise_to_pay_date date,
    note text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    called_by_id bigint NOT NULL,
    customer_id bigint NOT NULL
);


--
-- Name: customers_calllog_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.customers_calllog ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.customers_calllog_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: customers_customer; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.customers_customer (
    id bigint NOT NULL,
    account_number character varying(32) NOT NULL,
    name character varying(150) NOT NULL,
    phone character varying(20) NOT NULL,
    email character varying(254) NOT NULL,
    national_id character varying(32) NOT NULL,
    address text NOT NULL,
    latitude numeric(9,6),
    longitude numeric(9,6),
    status character varying(16) NOT NULL,
    customer_since date NOT NULL,
    notes text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    area_id bigint NOT NULL,
    branch_id bigint NOT NULL,
    reseller_id bigint,
    user_id bigint,
    referral_code character varying(12) NOT NULL,
    language character varying(2) DEFAULT ''::character varying NOT NULL,
    external_ref character varying(64) DEFAULT ''::character varying NOT NULL,
    collector_id bigint,
    vat_bin character varying(13) DEFAULT ''::character varying NOT NULL,
    CONSTRAINT customer_gps_in_range CHECK ((((latitude IS NULL) AND (longitude IS NULL)) OR ((latitude >= ('-90'::integer)::numeric) AND (latitude <= (90)::numeric) AND (longitude >= ('-180'::integer)::numeric) AND (longitude <= (180)::numeric))))
);


--
-- Name: customers_customer_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.customers_customer ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.customers_customer_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: customers_customertally; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.customers_customertally (
    id bigint NOT NULL,
    status character varying(16) NOT NULL,
    n bigint NOT NULL,
    branch_id bigint NOT NULL
);


--
-- Name: customers_customertally_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.customers_customertally ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.customers_customertally_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: customers_lead; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.customers_lead (
    id bigint NOT NULL,
    name character varying(150) NOT NULL,
    phone character varying(20) NOT NULL,
    address text NOT NULL,
    source character varying(16) NOT NULL,
    status character varying(16) NOT NULL,
    notes text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    area_id bigint,
    assigned_to_id bigint,
    branch_id bigint,
    converted_customer_id bigint,
    interested_package_id bigint
);


--
-- Name: customers_lead_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.customers_lead ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.customers_lead_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: customers_package; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.customers_package (
    id bigint NOT NULL,
    name character varying(100) NOT NULL,
    type character varying(16) NOT NULL,
    download_mbps integer NOT NULL,
    upload_mbps integer NOT NULL,
    price numeric(14,2) NOT NULL,
    billing_cycle character varying(16) NOT NULL,
    ott_bundle character varying(200) NOT NULL,
    live_channels integer NOT NULL,
    data_cap_gb integer,
    router_profile character varying(64) NOT NULL,
    is_active boolean NOT NULL,
    fup_download_mbps integer,
    fup_profile character varying(64) NOT NULL,
    fup_upload_mbps integer,
    installation_fee numeric(14,2) NOT NULL,
    minimum_term_months smallint,
    bdix_download_mbps integer,
    bdix_upload_mbps integer,
    cache_download_mbps integer,
    cache_upload_mbps integer,
    CONSTRAINT customers_package_bdix_download_mbps_check CHECK ((bdix_download_mbps >= 0)),
    CONSTRAINT customers_package_bdix_upload_mbps_check CHECK ((bdix_upload_mbps >= 0)),
    CONSTRAINT customers_package_cache_download_mbps_check CHECK ((cache_download_mbps >= 0)),
    CONSTRAINT customers_package_cache_upload_mbps_check CHECK ((cache_upload_mbps >= 0)),
    CONSTRAINT customers_package_data_cap_gb_check CHECK ((data_cap_gb >= 0)),
    CONSTRAINT customers_package_download_mbps_check CHECK ((download_mbps >= 0)),
    CONSTRAINT customers_package_fup_download_mbps_check CHECK ((fup_download_mbps >= 0)),
    CONSTRAINT customers_package_fup_upload_mbps_check CHECK ((fup_upload_mbps >= 0)),
    CONSTRAINT customers_package_live_channels_check CHECK ((live_channels >= 0)),
    CONSTRAINT customers_package_minimum_term_months_check CHECK ((minimum_term_months >= 0)),
    CONSTRAINT customers_package_upload_mbps_check CHECK ((upload_mbps >= 0)),
    CONSTRAINT package_bdix_speeds_both_or_neither CHECK ((((bdix_download_mbps IS NULL) AND (bdix_upload_mbps IS NULL)) OR ((bdix_download_mbps > 0) AND (bdix_upload_mbps > 0)))),
    CONSTRAINT package_cache_speeds_both_or_neither CHECK ((((cache_download_mbps IS NULL) AND (cache_upload_mbps IS NULL)) OR ((cache_download_mbps > 0) AND (cache_upload_mbps > 0)))),
    CONSTRAINT package_fup_speeds_both_or_neither CHECK ((((fup_download_mbps IS NULL) AND (fup_upload_mbps IS NULL)) OR ((fup_download_mbps > 0) AND (fup_download_mbps IS NOT NULL) AND (fup_upload_mbps > 0) AND (fup_upload_mbps IS NOT NULL)))),
    CONSTRAINT package_price_not_negative CHECK ((price >= (0)::numeric)),
    CONSTRAINT package_speeds_positive CHECK (((download_mbps > 0) AND (upload_mbps > 0)))
);


--
-- Name: customers_package_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.customers_package ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.customers_package_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: customers_packagespeedwindow; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.customers_packagespeedwindow (
    id bigint NOT NULL,
    starts time without time zone NOT NULL,
    ends time without time zone NOT NULL,
    download_mbps integer NOT NULL,
    upload_mbps integer NOT NULL,
    package_id bigint NOT NULL,
    CONSTRAINT customers_packagespeedwindow_download_mbps_check CHECK ((download_mbps >= 0)),
    CONSTRAINT customers_packagespeedwindow_upload_mbps_check CHECK ((upload_mbps >= 0)),
    CONSTRAINT speed_window_not_empty CHECK ((NOT (starts = ends))),
    CONSTRAINT speed_window_speeds_positive CHECK (((download_mbps > 0) AND (upload_mbps > 0)))
);


--
-- Name: customers_packagespeedwindow_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.customers_packagespeedwindow ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.customers_packagespeedwindow_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: customers_referral; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.customers_referral (
    id bigint NOT NULL,
    status character varying(16) NOT NULL,
    status_note character varying(255) NOT NULL,
    expires_at timestamp with time zone,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    lead_id bigint NOT NULL,
    referred_customer_id bigint,
    referrer_id bigint NOT NULL
);


--
-- Name: customers_referral_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.customers_referral ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.customers_referral_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: customers_referralcredit; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.customers_referralcredit (
    id bigint NOT NULL,
    amount numeric(14,2) NOT NULL,
    reversal_reason character varying(255) NOT NULL,
    reversed_at timestamp with time zone,
    created_at timestamp with time zone NOT NULL,
    ledger_entry_id bigint NOT NULL,
    payment_id bigint NOT NULL,
    referral_id bigint NOT NULL,
    reversal_entry_id bigint,
    reversed_by_id bigint,
    CONSTRAINT referral_credit_positive CHECK ((amount > (0)::numeric))
);


--
-- Name: customers_referralcredit_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.customers_referralcredit ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.customers_referralcredit_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: customers_referralsettings; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.customers_referralsettings (
    id bigint NOT NULL,
    is_enabled boolean NOT NULL,
    reward_kind character varying(10) NOT NULL,
    fixed_amount numeric(14,2) NOT NULL,
    percent numeric(5,2) NOT NULL,
    expiry_days integer NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    CONSTRAINT customers_referralsettings_expiry_days_check CHECK ((expiry_days >= 0)),
    CONSTRAINT referral_fixed_not_negative CHECK ((fixed_amount >= (0)::numeric)),
    CONSTRAINT referral_percent_0_100 CHECK (((percent >= (0)::numeric) AND (percent <= (100)::numeric)))
);


--
-- Name: customers_referralsettings_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.customers_referralsettings ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.customers_referralsettings_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: customers_speedtestresult; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.customers_speedtestresult (
    id bigint NOT NULL,
    ip inet,
    download_mbps numeric(8,2) NOT NULL,
    upload_mbps numeric(8,2) NOT NULL,
    ping_ms numeric(8,1) NOT NULL,
    jitter_ms numeric(8,1) NOT NULL,
    package_download_mbps integer,
    package_upload_mbps integer,
    user_agent character varying(300) NOT NULL,
    created_at timestamp with time zone NOT NULL,
    customer_id bigint NOT NULL,
    CONSTRAINT customers_speedtestresult_package_download_mbps_check CHECK ((package_download_mbps >= 0)),
    CONSTRAINT customers_speedtestresult_package_upload_mbps_check CHECK ((package_upload_mbps >= 0))
);


--
-- Name: customers_speedtestresult_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.customers_speedtestresult ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.customers_speedtestresult_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: customers_subscription; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.customers_subscription (
    id bigint NOT NULL,
    connection_type character varying(16) NOT NULL,
    username character varying(64) NOT NULL,
    password text NOT NULL,
    static_ip inet,
    mac_address character varying(17) NOT NULL,
    status character varying(16) NOT NULL,
    suspension_type character varying(20) NOT NULL,
    skip_billing boolean NOT NULL,
    activated_at timestamp with time zone,
    suspended_at timestamp with time zone,
    cancelled_at timestamp with time zone,
    billing_anchor_day smallint,
    paid_through date,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    customer_id bigint NOT NULL,
    package_id bigint NOT NULL,
    router_id bigint NOT NULL,
    billed_through date,
    billing_anchor_month smallint,
    password_nt_hash character varying(32) NOT NULL,
    CONSTRAINT customers_subscription_billing_anchor_day_check CHECK ((billing_anchor_day >= 0)),
    CONSTRAINT customers_subscription_billing_anchor_month_check CHECK ((billing_anchor_month >= 0)),
    CONSTRAINT subscription_anchor_day_in_month CHECK (((billing_anchor_day IS NULL) OR ((billing_anchor_day >= 1) AND (billing_anchor_day <= 31)))),
    CONSTRAINT subscription_anchor_month_valid CHECK (((billing_anchor_month IS NULL) OR ((billing_anchor_month >= 1) AND (billing_anchor_month <= 12)))),
    CONSTRAINT subscription_has_login_or_ip CHECK (((((connection_type)::text = 'static'::text) AND (static_ip IS NOT NULL)) OR (((connection_type)::text = 'ipoe'::text) AND (static_ip IS NOT NULL) AND (NOT ((mac_address)::text = ''::text))) OR ((NOT ((connection_type)::text = ANY ((ARRAY['static'::character varying, 'ipoe'::character varying])::text[]))) AND (NOT ((username)::text = ''::text)))))
)
WITH (fillfactor='80');


--
-- Name: customers_subscription_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.customers_subscription ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.customers_subscription_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: dashboard_dailymetric; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.dashboard_dailymetric (
    id bigint NOT NULL,
    day date NOT NULL,
    dimension character varying(10) NOT NULL,
    key bigint NOT NULL,
    mrr numeric(14,2) NOT NULL,
    subscriptions integer NOT NULL,
    customers integer NOT NULL,
    start_mrr numeric(14,2) NOT NULL,
    new_mrr numeric(14,2) NOT NULL,
    expansion_mrr numeric(14,2) NOT NULL,
    contraction_mrr numeric(14,2) NOT NULL,
    churned_mrr numeric(14,2) NOT NULL,
    reactivation_mrr numeric(14,2) NOT NULL,
    customers_at_start integer,
    customers_churned integer,
    billed numeric(14,2),
    revenue numeric(14,2),
    due numeric(14,2),
    collected numeric(14,2),
    ar_current numeric(14,2),
    ar_1_30 numeric(14,2),
    ar_31_60 numeric(14,2),
    ar_61_90 numeric(14,2),
    ar_90_plus numeric(14,2),
    computed_at timestamp with time zone NOT NULL,
    branch_id bigint NOT NULL,
    arrears_collected numeric(14,2),
    asked numeric(14,2),
    paid_of_asked numeric(14,2),
    paused_mrr numeric(14,2) NOT NULL,
    CONSTRAINT dashboard_dailymetric_customers_at_start_check CHECK ((customers_at_start >= 0)),
    CONSTRAINT dashboard_dailymetric_customers_check CHECK ((customers >= 0)),
    CONSTRAINT dashboard_dailymetric_customers_churned_check CHECK ((customers_churned >= 0)),
    CONSTRAINT dashboard_dailymetric_key_check CHECK ((key >= 0)),
    CONSTRAINT dashboard_dailymetric_subscriptions_check CHECK ((subscriptions >= 0))
);


--
-- Name: dashboard_dailymetric_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.dashboard_dailymetric ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.dashboard_dailymetric_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: django_admin_log; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.django_admin_log (
    id integer NOT NULL,
    action_time timestamp with time zone NOT NULL,
    object_id text,
    object_repr character varying(200) NOT NULL,
    action_flag smallint NOT NULL,
    change_message text NOT NULL,
    content_type_id integer,
    user_id bigint NOT NULL,
    CONSTRAINT django_admin_log_action_flag_check CHECK ((action_flag >= 0))
);


--
-- Name: django_admin_log_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.django_admin_log ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.django_admin_log_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: django_content_type; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.django_content_type (
    id integer NOT NULL,
    app_label character varying(100) NOT NULL,
    model character varying(100) NOT NULL
);


--
-- Name: django_content_type_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.django_content_type ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.django_content_type_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: django_migrations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.django_migrations (
    id bigint NOT NULL,
    app character varying(255) NOT NULL,
    name character varying(255) NOT NULL,
    applied timestamp with time zone NOT NULL
);


--
-- Name: django_migrations_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.django_migrations ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.django_migrations_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: django_session; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.django_session (
    session_key character varying(40) NOT NULL,
    session_data text NOT NULL,
    expire_date timestamp with time zone NOT NULL
);


--
-- Name: fibre_fibreincident; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.fibre_fibreincident (
    id bigint NOT NULL,
    kind character varying(12) NOT NULL,
    started_at timestamp with time zone NOT NULL,
    ended_at timestamp with time zone,
    detail character varying(255) NOT NULL,
    ticket_id integer,
    work_order_id integer,
    outage_id bigint,
    olt_id bigint NOT NULL,
    onu_id bigint,
    pon_port_id bigint,
    CONSTRAINT fibre_fibreincident_ticket_id_check CHECK ((ticket_id >= 0)),
    CONSTRAINT fibre_fibreincident_work_order_id_check CHECK ((work_order_id >= 0))
);


--
-- Name: fibre_fibreincident_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.fibre_fibreincident ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.fibre_fibreincident_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: fibre_fibreincidentticket; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.fibre_fibreincidentticket (
    id bigint NOT NULL,
    ticket_id integer NOT NULL,
    linked_at timestamp with time zone NOT NULL,
    incident_id bigint NOT NULL,
    CONSTRAINT fibre_fibreincidentticket_ticket_id_check CHECK ((ticket_id >= 0))
);


--
-- Name: fibre_fibreincidentticket_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.fibre_fibreincidentticket ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.fibre_fibreincidentticket_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: fibre_fibresettings; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.fibre_fibresettings (
    id bigint NOT NULL,
    declare_outages boolean NOT NULL,
    updated_at timestamp with time zone NOT NULL
);


--
-- Name: fibre_fibresettings_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.fibre_fibresettings ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.fibre_fibresettings_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: fibre_olt; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.fibre_olt (
    id bigint NOT NULL,
    name character varying(100) NOT NULL,
    site character varying(120) NOT NULL,
    address character varying(255) NOT NULL,
    host character varying(255) NOT NULL,
    snmp_port integer NOT NULL,
    profile character varying(40) NOT NULL,
    snmp_version character varying(2) NOT NULL,
    community text NOT NULL,
    v3_user character varying(64) NOT NULL,
    v3_auth_protocol character varying(8) NOT NULL,
    v3_auth_key text NOT NULL,
    v3_priv_protocol character varying(8) NOT NULL,
    v3_priv_key text NOT NULL,
    timeout_seconds numeric(4,1) NOT NULL,
    retries smallint NOT NULL,
    is_active boolean NOT NULL,
    is_online boolean NOT NULL,
    last_seen_at timestamp with time zone,
    last_checked_at timestamp with time zone,
    last_polled_at timestamp with time zone,
    last_poll_ms integer,
    sys_descr character varying(255) NOT NULL,
    sys_uptime_seconds bigint,
    last_error text NOT NULL,
    poll_lease_until timestamp with time zone,
    branch_id bigint NOT NULL,
    CONSTRAINT fibre_olt_last_poll_ms_check CHECK ((last_poll_ms >= 0)),
    CONSTRAINT fibre_olt_retries_check CHECK ((retries >= 0)),
    CONSTRAINT fibre_olt_snmp_port_check CHECK ((snmp_port >= 0)),
    CONSTRAINT fibre_olt_sys_uptime_seconds_check CHECK ((sys_uptime_seconds >= 0)),
    CONSTRAINT olt_retries_bounded CHECK ((retries <= 5)),
    CONSTRAINT olt_snmp_port_valid CHECK (((snmp_port >= 1) AND (snmp_port <= 65535)))
);


--
-- Name: fibre_olt_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.fibre_olt ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.fibre_olt_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: fibre_onu; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.fibre_onu (
    id bigint NOT NULL,
    key character varying(64) NOT NULL,
    number integer NOT NULL,
    serial character varying(32) NOT NULL,
    mac character varying(17) NOT NULL,
    status character varying(8) NOT NULL,
    down_cause character varying(12) NOT NULL,
    status_changed_at timestamp with time zone,
    rx_dbm numeric(5,2),
    tx_dbm numeric(5,2),
    distance_m integer,
    temperature_c numeric(5,1),
    signal character varying(8) NOT NULL,
    first_seen_at timestamp with time zone NOT NULL,
    last_seen_at timestamp with time zone,
    moved_at timestamp with time zone,
    match character varying(8) NOT NULL,
    matched_at timestamp with time zone,
    olt_id bigint NOT NULL,
    subscription_id bigint,
    moved_from_id bigint,
    pon_port_id bigint NOT NULL,
    CONSTRAINT fibre_onu_distance_m_check CHECK ((distance_m >= 0)),
    CONSTRAINT fibre_onu_number_check CHECK ((number >= 0))
);


--
-- Name: fibre_onu_daily; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.fibre_onu_daily (
    day date NOT NULL,
    samples integer NOT NULL,
    online_samples integer NOT NULL,
    rx_avg double precision,
    rx_min double precision,
    rx_max double precision,
    tx_avg double precision,
    onu_id bigint NOT NULL,
    CONSTRAINT fibre_onu_daily_online_samples_check CHECK ((online_samples >= 0)),
    CONSTRAINT fibre_onu_daily_samples_check CHECK ((samples >= 0))
);


--
-- Name: fibre_onu_hourly; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.fibre_onu_hourly (
    hour timestamp with time zone NOT NULL,
    samples smallint NOT NULL,
    online_samples smallint NOT NULL,
    rx_avg double precision,
    rx_min double precision,
    rx_max double precision,
    tx_avg double precision,
    onu_id bigint NOT NULL,
    CONSTRAINT fibre_onu_hourly_online_samples_check CHECK ((online_samples >= 0)),
    CONSTRAINT fibre_onu_hourly_samples_check CHECK ((samples >= 0))
)
PARTITION BY RANGE (hour);


--
-- Name: fibre_onu_hourly_default; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.fibre_onu_hourly_default (
    hour timestamp with time zone NOT NULL,
    samples smallint NOT NULL,
    online_samples smallint NOT NULL,
    rx_avg double precision,
    rx_min double precision,
    rx_max double precision,
    tx_avg double precision,
    onu_id bigint NOT NULL,
    CONSTRAINT fibre_onu_hourly_online_samples_check CHECK ((online_samples >= 0)),
    CONSTRAINT fibre_onu_hourly_samples_check CHECK ((samples >= 0))
);


--
-- Name: fibre_onu_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.fibre_onu ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.fibre_onu_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: fibre_onu_sample; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.fibre_onu_sample (
    at timestamp with time zone NOT NULL,
    online boolean NOT NULL,
    rx_dbm double precision,
    tx_dbm double precision,
    temperature_c double precision,
    onu_id bigint NOT NULL
)
PARTITION BY RANGE (at);


--
-- Name: fibre_onu_sample_default; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.fibre_onu_sample_default (
    at timestamp with time zone NOT NULL,
    online boolean NOT NULL,
    rx_dbm double precision,
    tx_dbm double precision,
    temperature_c double precision,
    onu_id bigint NOT NULL
);


--
-- Name: fibre_onustatusevent; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.fibre_onustatusevent (
    id bigint NOT NULL,
    at timestamp with time zone NOT NULL,
    status character varying(8) NOT NULL,
    cause character varying(12) NOT NULL,
    onu_id bigint NOT NULL
);


--
-- Name: fibre_onustatusevent_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.fibre_onustatusevent ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.fibre_onustatusevent_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: fibre_ponport; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.fibre_ponport (
    id bigint NOT NULL,
    key character varying(64) NOT NULL,
    name character varying(64) NOT NULL,
    dark_since timestamp with time zone,
    onus_total integer NOT NULL,
    onus_online integer NOT NULL,
    area_id bigint,
    olt_id bigint NOT NULL,
    CONSTRAINT fibre_ponport_onus_online_check CHECK ((onus_online >= 0)),
    CONSTRAINT fibre_ponport_onus_total_check CHECK ((onus_total >= 0))
);


--
-- Name: fibre_ponport_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.fibre_ponport ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.fibre_ponport_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: fibre_signalthreshold; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.fibre_signalthreshold (
    id bigint NOT NULL,
    profile character varying(40) NOT NULL,
    rx_warning_dbm numeric(5,2) NOT NULL,
    rx_critical_dbm numeric(5,2) NOT NULL,
    rx_overload_dbm numeric(5,2) NOT NULL,
    drift_db numeric(4,2) NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    CONSTRAINT threshold_drift_positive CHECK ((drift_db > (0)::numeric)),
    CONSTRAINT threshold_ordered CHECK (((rx_critical_dbm < rx_warning_dbm) AND (rx_warning_dbm < rx_overload_dbm)))
);


--
-- Name: fibre_signalthreshold_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.fibre_signalthreshold ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.fibre_signalthreshold_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: fieldservice_checklistitem; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.fieldservice_checklistitem (
    id bigint NOT NULL,
    label character varying(200) NOT NULL,
    required boolean NOT NULL,
    "position" smallint NOT NULL,
    done boolean NOT NULL,
    done_at timestamp with time zone,
    done_by_id bigint,
    order_id bigint NOT NULL,
    CONSTRAINT fieldservice_checklistitem_position_check CHECK (("position" >= 0))
);


--
-- Name: fieldservice_checklistitem_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.fieldservice_checklistitem ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.fieldservice_checklistitem_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: fieldservice_checklisttemplate; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.fieldservice_checklisttemplate (
    id bigint NOT NULL,
    kind character varying(16) NOT NULL,
    photos_required smallint NOT NULL,
    serial_required boolean NOT NULL,
    CONSTRAINT fieldservice_checklisttemplate_photos_required_check CHECK ((photos_required >= 0))
);


--
-- Name: fieldservice_checklisttemplate_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.fieldservice_checklisttemplate ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.fieldservice_checklisttemplate_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: fieldservice_checklisttemplateitem; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.fieldservice_checklisttemplateitem (
    id bigint NOT NULL,
    label character varying(200) NOT NULL,
    required boolean NOT NULL,
    "position" smallint NOT NULL,
    template_id bigint NOT NULL,
    CONSTRAINT fieldservice_checklisttemplateitem_position_check CHECK (("position" >= 0))
);


--
-- Name: fieldservice_checklisttemplateitem_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.fieldservice_checklisttemplateitem ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.fieldservice_checklisttemplateitem_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: fieldservice_equipmentitem; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.fieldservice_equipmentitem (
    id bigint NOT NULL,
    serial character varying(64) NOT NULL,
    status character varying(16) NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    branch_id bigint,
    customer_id bigint,
    technician_id bigint,
    model_id bigint NOT NULL,
    CONSTRAINT equipment_installed_has_customer CHECK (((NOT ((status)::text = 'installed'::text)) OR (customer_id IS NOT NULL)))
);


--
-- Name: fieldservice_equipmentitem_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.fieldservice_equipmentitem ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.fieldservice_equipmentitem_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: fieldservice_equipmentmodel; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.fieldservice_equipmentmodel (
    id bigint NOT NULL,
    name character varying(120) NOT NULL,
    category character varying(8) NOT NULL,
    serial_tracked boolean NOT NULL,
    sale_price numeric(14,2),
    rental_price numeric(14,2),
    CONSTRAINT equipment_model_sold_or_rented CHECK (((sale_price IS NULL) OR (rental_price IS NULL)))
);


--
-- Name: fieldservice_equipmentmodel_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.fieldservice_equipmentmodel ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.fieldservice_equipmentmodel_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: fieldservice_equipmentmovement; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.fieldservice_equipmentmovement (
    id bigint NOT NULL,
    at timestamp with time zone NOT NULL,
    from_status character varying(16) NOT NULL,
    to_status character varying(16) NOT NULL,
    note character varying(200) NOT NULL,
    actor_id bigint,
    customer_id bigint,
    item_id bigint NOT NULL,
    order_id bigint,
    invoice_id bigint,
    technician_id bigint
);


--
-- Name: fieldservice_equipmentmovement_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.fieldservice_equipmentmovement ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.fieldservice_equipmentmovement_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: fieldservice_equipmentrental; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.fieldservice_equipmentrental (
    id bigint NOT NULL,
    monthly_price numeric(14,2) NOT NULL,
    started_on date NOT NULL,
    ended_on date,
    customer_id bigint NOT NULL,
    item_id bigint NOT NULL,
    order_id bigint,
    subscription_id bigint NOT NULL,
    CONSTRAINT equipment_rental_price_positive CHECK ((monthly_price > (0)::numeric))
);


--
-- Name: fieldservice_equipmentrental_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.fieldservice_equipmentrental ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.fieldservice_equipmentrental_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: fieldservice_equipmentrentalcharge; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.fieldservice_equipmentrentalcharge (
    id bigint NOT NULL,
    first_day date NOT NULL,
    last_day date NOT NULL,
    withdrawn boolean NOT NULL,
    charge_id bigint NOT NULL,
    credit_note_id bigint,
    rental_id bigint NOT NULL,
    CONSTRAINT equipment_rental_charge_days_in_order CHECK ((last_day >= first_day))
);


--
-- Name: fieldservice_equipmentrentalcharge_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.fieldservice_equipmentrentalcharge ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.fieldservice_equipmentrentalcharge_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: fieldservice_syncoperation; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.fieldservice_syncoperation (
    uuid uuid NOT NULL,
    kind character varying(32) NOT NULL,
    payload jsonb NOT NULL,
    ok boolean NOT NULL,
    result jsonb NOT NULL,
    created_at timestamp with time zone NOT NULL,
    replays integer NOT NULL,
    technician_id bigint NOT NULL,
    order_id bigint,
    client_at timestamp with time zone,
    done_at timestamp with time zone,
    CONSTRAINT fieldservice_syncoperation_replays_check CHECK ((replays >= 0))
);


--
-- Name: fieldservice_workorder; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.fieldservice_workorder (
    id bigint NOT NULL,
    kind character varying(16) NOT NULL,
    priority character varying(8) NOT NULL,
    status character varying(12) NOT NULL,
    source character varying(20) NOT NULL,
    contact_name character varying(200) NOT NULL,
    contact_phone character varying(20) NOT NULL,
    address text NOT NULL,
    latitude numeric(9,6),
    longitude numeric(9,6),
    description text NOT NULL,
    window_start timestamp with time zone,
    window_end timestamp with time zone,
    scheduled_start timestamp with time zone,
    duration_minutes smallint NOT NULL,
    travel_started_at timestamp with time zone,
    arrived_at timestamp with time zone,
    arrival_latitude numeric(9,6),
    arrival_longitude numeric(9,6),
    arrival_accuracy_m integer,
    arrival_without_gps boolean NOT NULL,
    onu_power_dbm numeric(5,2),
    speed_down_mbps numeric(7,2),
    speed_up_mbps numeric(7,2),
    signer_name character varying(200) NOT NULL,
    signature character varying(100) NOT NULL,
    signature_sha256 character varying(64) NOT NULL,
    signed_at timestamp with time zone,
    completed_at timestamp with time zone,
    outcome_reason text NOT NULL,
    override_reason text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    area_id bigint,
    branch_id bigint,
    created_by_id bigint,
    customer_id bigint,
    lead_id bigint,
    override_by_id bigint,
    subscription_id bigint,
    technician_id bigint,
    ticket_id bigint,
    survey_id bigint,
    photos_required smallint NOT NULL,
    serial_required boolean NOT NULL,
    CONSTRAINT fieldservice_workorder_arrival_accuracy_m_check CHECK ((arrival_accuracy_m >= 0)),
    CONSTRAINT fieldservice_workorder_duration_minutes_check CHECK ((duration_minutes >= 0)),
    CONSTRAINT fieldservice_workorder_photos_required_check CHECK ((photos_required >= 0)),
    CONSTRAINT wo_customer_or_lead CHECK (((customer_id IS NOT NULL) OR (lead_id IS NOT NULL)))
);


--
-- Name: fieldservice_workorder_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.fieldservice_workorder ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.fieldservice_workorder_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: fieldservice_workorderevent; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.fieldservice_workorderevent (
    id bigint NOT NULL,
    at timestamp with time zone NOT NULL,
    action character varying(32) NOT NULL,
    from_status character varying(12) NOT NULL,
    to_status character varying(12) NOT NULL,
    message text NOT NULL,
    actor_id bigint,
    order_id bigint NOT NULL,
    received_at timestamp with time zone
);


--
-- Name: fieldservice_workorderevent_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.fieldservice_workorderevent ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.fieldservice_workorderevent_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: fieldservice_workorderphoto; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.fieldservice_workorderphoto (
    id bigint NOT NULL,
    client_uuid uuid NOT NULL,
    image character varying(100) NOT NULL,
    sha256 character varying(64) NOT NULL,
    size integer NOT NULL,
    width integer NOT NULL,
    height integer NOT NULL,
    caption character varying(200) NOT NULL,
    created_at timestamp with time zone NOT NULL,
    order_id bigint NOT NULL,
    uploaded_by_id bigint,
    CONSTRAINT fieldservice_workorderphoto_height_check CHECK ((height >= 0)),
    CONSTRAINT fieldservice_workorderphoto_size_check CHECK ((size >= 0)),
    CONSTRAINT fieldservice_workorderphoto_width_check CHECK ((width >= 0))
);


--
-- Name: fieldservice_workorderphoto_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.fieldservice_workorderphoto ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.fieldservice_workorderphoto_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: imports_importbatch; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.imports_importbatch (
    id bigint NOT NULL,
    source character varying(10) NOT NULL,
    status character varying(12) NOT NULL,
    file_name character varying(255) NOT NULL,
    headers jsonb NOT NULL,
    mapping jsonb NOT NULL,
    profile_packages jsonb NOT NULL,
    cutover_date date NOT NULL,
    activate boolean NOT NULL,
    total_rows integer NOT NULL,
    error_rows integer NOT NULL,
    to_create integer NOT NULL,
    to_update integer NOT NULL,
    processed_rows integer NOT NULL,
    created_count integer NOT NULL,
    updated_count integer NOT NULL,
    failure text NOT NULL,
    report jsonb NOT NULL,
    created_at timestamp with time zone NOT NULL,
    started_at timestamp with time zone,
    finished_at timestamp with time zone,
    undone_at timestamp with time zone,
    created_by_id bigint,
    router_id bigint,
    undone_by_id bigint,
    profile_id bigint,
    kind character varying(16) NOT NULL,
    undo_report jsonb NOT NULL,
    CONSTRAINT imports_importbatch_created_count_check CHECK ((created_count >= 0)),
    CONSTRAINT imports_importbatch_error_rows_check CHECK ((error_rows >= 0)),
    CONSTRAINT imports_importbatch_processed_rows_check CHECK ((processed_rows >= 0)),
    CONSTRAINT imports_importbatch_to_create_check CHECK ((to_create >= 0)),
    CONSTRAINT imports_importbatch_to_update_check CHECK ((to_update >= 0)),
    CONSTRAINT imports_importbatch_total_rows_check CHECK ((total_rows >= 0)),
    CONSTRAINT imports_importbatch_updated_count_check CHECK ((updated_count >= 0))
);


--
-- Name: imports_importbatch_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.imports_importbatch ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.imports_importbatch_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: imports_importprofile; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.imports_importprofile (
    id bigint NOT NULL,
    name character varying(100) NOT NULL,
    mapping jsonb NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    created_by_id bigint
);


--
-- Name: imports_importprofile_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.imports_importprofile ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.imports_importprofile_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: imports_importrow; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.imports_importrow (
    id bigint NOT NULL,
    line integer NOT NULL,
    data jsonb NOT NULL,
    "values" jsonb NOT NULL,
    errors jsonb NOT NULL,
    action character varying(8) NOT NULL,
    done boolean NOT NULL,
    previous jsonb NOT NULL,
    batch_id bigint NOT NULL,
    customer_id bigint,
    opening_entry_id bigint,
    subscription_id bigint,
    past_payment_id bigint,
    CONSTRAINT imports_importrow_line_check CHECK ((line >= 0))
);


--
-- Name: imports_importrow_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.imports_importrow ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.imports_importrow_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: network_addressassignment; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.network_addressassignment (
    id bigint NOT NULL,
    family smallint NOT NULL,
    address character varying(43) NOT NULL,
    first_key character varying(32) NOT NULL,
    last_key character varying(32) NOT NULL,
    assigned_at timestamp with time zone NOT NULL,
    released_at timestamp with time zone,
    router_id bigint NOT NULL,
    subscription_id bigint NOT NULL,
    pool_id bigint,
    CONSTRAINT network_addressassignment_family_check CHECK ((family >= 0))
);


--
-- Name: network_addressassignment_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.network_addressassignment ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.network_addressassignment_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: network_addresspool; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.network_addresspool (
    id bigint NOT NULL,
    name character varying(100) NOT NULL,
    family smallint NOT NULL,
    kind character varying(16) NOT NULL,
    network character varying(43) NOT NULL,
    assign_length smallint NOT NULL,
    first_key character varying(32) NOT NULL,
    last_key character varying(32) NOT NULL,
    note character varying(200) NOT NULL,
    created_at timestamp with time zone NOT NULL,
    branch_id bigint,
    router_id bigint NOT NULL,
    CONSTRAINT address_pool_assign_length_valid CHECK ((((assign_length = 32) AND (family = 4)) OR ((assign_length >= 48) AND (assign_length <= 128) AND (family = 6)))),
    CONSTRAINT address_pool_delegation_is_ipv6 CHECK (((NOT ((kind)::text = 'delegation'::text)) OR (family = 6))),
    CONSTRAINT address_pool_family_valid CHECK ((family = ANY (ARRAY[4, 6]))),
    CONSTRAINT network_addresspool_assign_length_check CHECK ((assign_length >= 0)),
    CONSTRAINT network_addresspool_family_check CHECK ((family >= 0))
);


--
-- Name: network_addresspool_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.network_addresspool ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.network_addresspool_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: network_driftreport; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.network_driftreport (
    id bigint NOT NULL,
    started_at timestamp with time zone NOT NULL,
    finished_at timestamp with time zone,
    status character varying(16) NOT NULL,
    checked integer NOT NULL,
    repairs jsonb NOT NULL,
    orphans jsonb NOT NULL,
    skipped jsonb NOT NULL,
    error text NOT NULL,
    requested_by_id bigint,
    router_id bigint NOT NULL,
    CONSTRAINT network_driftreport_checked_check CHECK ((checked >= 0))
);


--
-- Name: network_driftreport_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.network_driftreport ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.network_driftreport_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: network_fupstate; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.network_fupstate (
    subscription_id bigint NOT NULL,
    cycle_start date NOT NULL,
    cycle_end date NOT NULL,
    cap_bytes bigint NOT NULL,
    used_bytes bigint NOT NULL,
    warned_80_at timestamp with time zone,
    warned_95_at timestamp with time zone,
    throttled_at timestamp with time zone,
    lifted_at timestamp with time zone,
    lift_reason text NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    lifted_by_id bigint,
    CONSTRAINT fup_cycle_ordered CHECK ((cycle_end >= cycle_start)),
    CONSTRAINT network_fupstate_cap_bytes_check CHECK ((cap_bytes >= 0)),
    CONSTRAINT network_fupstate_used_bytes_check CHECK ((used_bytes >= 0))
);


--
-- Name: network_outage; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.network_outage (
    id bigint NOT NULL,
    title character varying(200) NOT NULL,
    description text NOT NULL,
    status character varying(16) NOT NULL,
    started_at timestamp with time zone NOT NULL,
    estimated_restoration_at timestamp with time zone,
    restored_at timestamp with time zone,
    restoration_note text NOT NULL,
    affected_customers integer NOT NULL,
    declared_at timestamp with time zone,
    created_at timestamp with time zone NOT NULL,
    declared_by_id bigint,
    down_period_id bigint,
    description_bn text NOT NULL,
    restoration_note_bn text NOT NULL,
    title_bn character varying(200) NOT NULL,
    CONSTRAINT network_outage_affected_customers_check CHECK ((affected_customers >= 0)),
    CONSTRAINT outage_restored_after_start CHECK (((restored_at IS NULL) OR (restored_at >= started_at)))
);


--
-- Name: network_outage_areas; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.network_outage_areas (
    id bigint NOT NULL,
    outage_id bigint NOT NULL,
    area_id bigint NOT NULL
);


--
-- Name: network_outage_areas_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.network_outage_areas ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.network_outage_areas_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: network_outage_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.network_outage ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.network_outage_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: network_outage_routers; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.network_outage_routers (
    id bigint NOT NULL,
    outage_id bigint NOT NULL,
    router_id bigint NOT NULL
);


--
-- Name: network_outage_routers_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.network_outage_routers ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.network_outage_routers_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: network_outagebroadcast; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.network_outagebroadcast (
    id bigint NOT NULL,
    event character varying(40) NOT NULL,
    occurrence character varying(40) NOT NULL,
    status character varying(16) NOT NULL,
    recipients integer NOT NULL,
    queued integer NOT NULL,
    created_at timestamp with time zone NOT NULL,
    finished_at timestamp with time zone,
    outage_id bigint NOT NULL,
    update_id bigint,
    CONSTRAINT network_outagebroadcast_queued_check CHECK ((queued >= 0)),
    CONSTRAINT network_outagebroadcast_recipients_check CHECK ((recipients >= 0))
);


--
-- Name: network_outagebroadcast_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.network_outagebroadcast ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.network_outagebroadcast_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: network_outageupdate; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.network_outageupdate (
    id bigint NOT NULL,
    message text NOT NULL,
    estimated_restoration_at timestamp with time zone,
    created_at timestamp with time zone NOT NULL,
    created_by_id bigint,
    outage_id bigint NOT NULL,
    message_bn text NOT NULL
);


--
-- Name: network_outageupdate_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.network_outageupdate ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.network_outageupdate_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: network_provisioningtask; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.network_provisioningtask (
    id bigint NOT NULL,
    key character varying(200) NOT NULL,
    action character varying(16) NOT NULL,
    desired jsonb NOT NULL,
    status character varying(16) NOT NULL,
    attempts integer NOT NULL,
    next_attempt_at timestamp with time zone NOT NULL,
    last_error text NOT NULL,
    result character varying(200) NOT NULL,
    created_at timestamp with time zone NOT NULL,
    applied_at timestamp with time zone,
    created_by_id bigint,
    router_id bigint NOT NULL,
    subscription_id bigint,
    CONSTRAINT network_provisioningtask_attempts_check CHECK ((attempts >= 0))
);


--
-- Name: network_provisioningtask_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.network_provisioningtask ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.network_provisioningtask_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: network_router; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.network_router (
    id bigint NOT NULL,
    name character varying(100) NOT NULL,
    host character varying(255) NOT NULL,
    api_port integer NOT NULL,
    is_active boolean NOT NULL,
    branch_id bigint,
    active_sessions integer,
    board_name character varying(64) NOT NULL,
    cpu_load smallint,
    identity character varying(100) NOT NULL,
    is_online boolean NOT NULL,
    last_checked_at timestamp with time zone,
    last_error text NOT NULL,
    last_seen_at timestamp with time zone,
    outbox_lease_until timestamp with time zone,
    outbox_retry_at timestamp with time zone,
    password text NOT NULL,
    provision_hotspot boolean NOT NULL,
    provision_pppoe boolean NOT NULL,
    provision_static boolean NOT NULL,
    routeros_version character varying(64) NOT NULL,
    ssl_port integer NOT NULL,
    suspended_address_list character varying(64) NOT NULL,
    suspension_method character varying(16) NOT NULL,
    unreachable_count integer NOT NULL,
    uptime_seconds bigint,
    use_ssl boolean NOT NULL,
    username character varying(100) NOT NULL,
    aaa_mode character varying(8) NOT NULL,
    radius_secret text NOT NULL,
    radius_coa_port integer NOT NULL,
    radius_require_message_authenticator boolean NOT NULL,
    CONSTRAINT network_router_active_sessions_check CHECK ((active_sessions >= 0)),
    CONSTRAINT network_router_api_port_check CHECK ((api_port >= 0)),
    CONSTRAINT network_router_cpu_load_check CHECK ((cpu_load >= 0)),
    CONSTRAINT network_router_radius_coa_port_check CHECK ((radius_coa_port >= 0)),
    CONSTRAINT network_router_ssl_port_check CHECK ((ssl_port >= 0)),
    CONSTRAINT network_router_unreachable_count_check CHECK ((unreachable_count >= 0)),
    CONSTRAINT network_router_uptime_seconds_check CHECK ((uptime_seconds >= 0)),
    CONSTRAINT router_ports_valid CHECK (((api_port >= 1) AND (api_port <= 65535) AND (radius_coa_port >= 1) AND (radius_coa_port <= 65535) AND (ssl_port >= 1) AND (ssl_port <= 65535))),
    CONSTRAINT router_provisions_something CHECK ((provision_pppoe OR provision_static OR provision_hotspot))
);


--
-- Name: network_router_areas; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.network_router_areas (
    id bigint NOT NULL,
    router_id bigint NOT NULL,
    area_id bigint NOT NULL
);


--
-- Name: network_router_areas_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.network_router_areas ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.network_router_areas_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: network_router_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.network_router ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.network_router_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: network_routerdownperiod; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.network_routerdownperiod (
    id bigint NOT NULL,
    started_at timestamp with time zone NOT NULL,
    ended_at timestamp with time zone,
    error text NOT NULL,
    router_id bigint NOT NULL,
    CONSTRAINT router_down_period_ordered CHECK (((ended_at IS NULL) OR (ended_at >= started_at)))
);


--
-- Name: network_routerdownperiod_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.network_routerdownperiod ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.network_routerdownperiod_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: network_speedboundaryrun; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.network_speedboundaryrun (
    id bigint NOT NULL,
    boundary_at timestamp with time zone NOT NULL,
    status character varying(12) NOT NULL,
    started_at timestamp with time zone NOT NULL,
    finished_at timestamp with time zone,
    done integer NOT NULL,
    refused integer NOT NULL,
    lost integer NOT NULL,
    pending jsonb NOT NULL,
    max_rate double precision NOT NULL,
    error text NOT NULL,
    router_id bigint NOT NULL,
    CONSTRAINT network_speedboundaryrun_done_check CHECK ((done >= 0)),
    CONSTRAINT network_speedboundaryrun_lost_check CHECK ((lost >= 0)),
    CONSTRAINT network_speedboundaryrun_refused_check CHECK ((refused >= 0))
);


--
-- Name: network_speedboundaryrun_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.network_speedboundaryrun ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.network_speedboundaryrun_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: network_speeddestination; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.network_speeddestination (
    id bigint NOT NULL,
    kind character varying(8) NOT NULL,
    prefix character varying(50) NOT NULL,
    note character varying(100) NOT NULL,
    created_at timestamp with time zone NOT NULL
);


--
-- Name: network_speeddestination_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.network_speeddestination ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.network_speeddestination_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: network_usagedaily; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.network_usagedaily (
    id bigint NOT NULL,
    day date NOT NULL,
    upload_bytes bigint NOT NULL,
    download_bytes bigint NOT NULL,
    subscription_id bigint NOT NULL,
    CONSTRAINT network_usagedaily_download_bytes_check CHECK ((download_bytes >= 0)),
    CONSTRAINT network_usagedaily_upload_bytes_check CHECK ((upload_bytes >= 0))
);


--
-- Name: network_usagedaily_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.network_usagedaily ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.network_usagedaily_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: network_usagehourly; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.network_usagehourly (
    id bigint NOT NULL,
    hour timestamp with time zone NOT NULL,
    upload_bytes bigint NOT NULL,
    download_bytes bigint NOT NULL,
    subscription_id bigint NOT NULL,
    CONSTRAINT network_usagehourly_download_bytes_check CHECK ((download_bytes >= 0)),
    CONSTRAINT network_usagehourly_upload_bytes_check CHECK ((upload_bytes >= 0))
);


--
-- Name: network_usagehourly_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.network_usagehourly ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.network_usagehourly_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: network_usagepoll; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.network_usagepoll (
    router_id bigint NOT NULL,
    polled_at timestamp with time zone,
    succeeded_at timestamp with time zone,
    router_uptime_seconds bigint,
    counters integer NOT NULL,
    resets integer NOT NULL,
    duration_ms integer NOT NULL,
    error text NOT NULL,
    lease_until timestamp with time zone,
    baselines jsonb NOT NULL,
    sessions jsonb NOT NULL,
    CONSTRAINT network_usagepoll_counters_check CHECK ((counters >= 0)),
    CONSTRAINT network_usagepoll_duration_ms_check CHECK ((duration_ms >= 0)),
    CONSTRAINT network_usagepoll_resets_check CHECK ((resets >= 0)),
    CONSTRAINT network_usagepoll_router_uptime_seconds_check CHECK ((router_uptime_seconds >= 0))
);


--
-- Name: network_usagesample; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.network_usagesample (
    id bigint NOT NULL,
    taken_at timestamp with time zone NOT NULL,
    upload_bytes bigint NOT NULL,
    download_bytes bigint NOT NULL,
    router_id bigint NOT NULL,
    subscription_id bigint NOT NULL,
    CONSTRAINT network_usagesample_download_bytes_check CHECK ((download_bytes >= 0)),
    CONSTRAINT network_usagesample_upload_bytes_check CHECK ((upload_bytes >= 0))
);


--
-- Name: network_usagesample_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.network_usagesample ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.network_usagesample_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: notify_message; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.notify_message (
    id bigint NOT NULL,
    channel character varying(16) NOT NULL,
    event character varying(40) NOT NULL,
    language character varying(8) NOT NULL,
    "to" character varying(254) NOT NULL,
    subject character varying(255) NOT NULL,
    body text NOT NULL,
    payload jsonb NOT NULL,
    status character varying(16) NOT NULL,
    attempts smallint NOT NULL,
    next_attempt_at timestamp with time zone,
    last_error text NOT NULL,
    backend character varying(32) NOT NULL,
    provider_message_id character varying(200) NOT NULL,
    object_id character varying(64) NOT NULL,
    idempotency_key character varying(64) NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    sent_at timestamp with time zone,
    content_type_id integer,
    customer_id bigint,
    template_id bigint,
    sealed text NOT NULL,
    CONSTRAINT notify_message_attempts_check CHECK ((attempts >= 0)),
    CONSTRAINT notify_message_retry_only_when_failed CHECK (((next_attempt_at IS NULL) OR ((status)::text = 'failed'::text)))
);


--
-- Name: notify_message_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.notify_message ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.notify_message_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: notify_messagetemplate; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.notify_messagetemplate (
    id bigint NOT NULL,
    event character varying(40) NOT NULL,
    channel character varying(16) NOT NULL,
    language character varying(8) NOT NULL,
    subject character varying(200) NOT NULL,
    body text NOT NULL,
    whatsapp_template_name character varying(100) NOT NULL,
    whatsapp_template_params character varying(255) NOT NULL,
    active boolean NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    updated_by_id bigint
);


--
-- Name: notify_messagetemplate_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.notify_messagetemplate ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.notify_messagetemplate_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: notify_notificationpreference; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.notify_notificationpreference (
    id bigint NOT NULL,
    event character varying(40) NOT NULL,
    sms boolean NOT NULL,
    whatsapp boolean NOT NULL,
    email boolean NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    customer_id bigint NOT NULL
);


--
-- Name: notify_notificationpreference_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.notify_notificationpreference ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.notify_notificationpreference_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: payments_autopay; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.payments_autopay (
    id bigint NOT NULL,
    enabled boolean NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    customer_id bigint NOT NULL
);


--
-- Name: payments_autopay_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.payments_autopay ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.payments_autopay_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: payments_autopayattempt; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.payments_autopayattempt (
    id bigint NOT NULL,
    status character varying(16) NOT NULL,
    tries smallint NOT NULL,
    next_try_on date,
    claimed_by character varying(64) NOT NULL,
    claimed_at timestamp with time zone,
    last_result character varying(255) NOT NULL,
    notified_before boolean NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    customer_id bigint NOT NULL,
    gateway_payment_id bigint,
    invoice_id bigint NOT NULL,
    CONSTRAINT payments_autopayattempt_tries_check CHECK ((tries >= 0))
);


--
-- Name: payments_autopayattempt_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.payments_autopayattempt ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.payments_autopayattempt_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: payments_autopayrun; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.payments_autopayrun (
    id bigint NOT NULL,
    day date NOT NULL,
    worker character varying(64) NOT NULL,
    started_at timestamp with time zone NOT NULL,
    finished_at timestamp with time zone,
    counts jsonb NOT NULL
);


--
-- Name: payments_autopayrun_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.payments_autopayrun ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.payments_autopayrun_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: payments_bkashagreement; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.payments_bkashagreement (
    id bigint NOT NULL,
    link_payment_id character varying(64),
    agreement_id text NOT NULL,
    wallet_masked text NOT NULL,
    status character varying(16) NOT NULL,
    is_primary boolean NOT NULL,
    created_at timestamp with time zone NOT NULL,
    linked_at timestamp with time zone,
    removed_at timestamp with time zone,
    customer_id bigint NOT NULL,
    CONSTRAINT bkash_agreement_primary_is_active CHECK (((NOT is_primary) OR ((status)::text = 'active'::text)))
);


--
-- Name: payments_bkashagreement_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.payments_bkashagreement ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.payments_bkashagreement_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: payments_bkashsettings; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.payments_bkashsettings (
    id bigint NOT NULL,
    enabled boolean NOT NULL,
    app_key character varying(128) NOT NULL,
    app_secret text NOT NULL,
    username character varying(128) NOT NULL,
    password text NOT NULL,
    base_url character varying(200) NOT NULL,
    fee_percent numeric(5,2) NOT NULL,
    fee_passed boolean NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    updated_by_id bigint,
    CONSTRAINT bkash_settings_single_row CHECK ((id = 1))
);


--
-- Name: payments_bkashsettings_branches; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.payments_bkashsettings_branches (
    id bigint NOT NULL,
    bkashsettings_id bigint NOT NULL,
    branch_id bigint NOT NULL
);


--
-- Name: payments_bkashsettings_branches_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.payments_bkashsettings_branches ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.payments_bkashsettings_branches_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: payments_bkashsettings_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.payments_bkashsettings ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.payments_bkashsettings_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: payments_cashhandover; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.payments_cashhandover (
    id bigint NOT NULL,
    amount numeric(14,2) NOT NULL,
    handed_over_at timestamp with time zone NOT NULL,
    note character varying(255) NOT NULL,
    created_at timestamp with time zone NOT NULL,
    branch_id bigint NOT NULL,
    collector_id bigint NOT NULL,
    received_by_id bigint NOT NULL,
    CONSTRAINT cash_handover_amount_positive CHECK ((amount > (0)::numeric)),
    CONSTRAINT cash_handover_not_to_oneself CHECK ((NOT (collector_id = received_by_id)))
);


--
-- Name: payments_cashhandover_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.payments_cashhandover ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.payments_cashhandover_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: payments_gatewayevent; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.payments_gatewayevent (
    id bigint NOT NULL,
    kind character varying(16) NOT NULL,
    outcome character varying(255) NOT NULL,
    data jsonb NOT NULL,
    at timestamp with time zone NOT NULL,
    gateway_payment_id bigint NOT NULL
);


--
-- Name: payments_gatewayevent_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.payments_gatewayevent ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.payments_gatewayevent_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: payments_gatewaypayment; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.payments_gatewaypayment (
    id bigint NOT NULL,
    tran_id character varying(30) NOT NULL,
    amount numeric(14,2) NOT NULL,
    currency character varying(3) NOT NULL,
    purpose character varying(16) NOT NULL,
    months smallint NOT NULL,
    status character varying(16) NOT NULL,
    status_reason character varying(255) NOT NULL,
    sessionkey character varying(100) NOT NULL,
    gateway_url character varying(500) NOT NULL,
    val_id character varying(100),
    bank_tran_id character varying(100) NOT NULL,
    card_type character varying(60) NOT NULL,
    method character varying(16) NOT NULL,
    risk_level character varying(4) NOT NULL,
    risk_title character varying(100) NOT NULL,
    created_at timestamp with time zone NOT NULL,
    paid_at timestamp with time zone,
    last_queried_at timestamp with time zone,
    customer_id bigint,
    payment_id bigint,
    reviewed_by_id bigint,
    fee numeric(14,2) NOT NULL,
    fee_entry_id bigint,
    fee_passed boolean NOT NULL,
    gateway character varying(16) NOT NULL,
    agreement_id bigint,
    card_sale_id bigint,
    CONSTRAINT gateway_payment_amount_positive CHECK ((amount > (0)::numeric)),
    CONSTRAINT gateway_payment_card_sale_only_for_cards CHECK (((card_sale_id IS NULL) OR ((payment_id IS NULL) AND ((purpose)::text = 'card'::text)))),
    CONSTRAINT gateway_payment_customer_or_card CHECK (((customer_id IS NOT NULL) OR ((purpose)::text = 'card'::text))),
    CONSTRAINT gateway_payment_fee_in_amount CHECK (((fee >= (0)::numeric) AND (fee < amount))),
    CONSTRAINT payments_gatewaypayment_months_check CHECK ((months >= 0))
);


--
-- Name: payments_gatewaypayment_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.payments_gatewaypayment ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.payments_gatewaypayment_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: payments_gatewaypayment_invoices; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.payments_gatewaypayment_invoices (
    id bigint NOT NULL,
    gatewaypayment_id bigint NOT NULL,
    invoice_id bigint NOT NULL
);


--
-- Name: payments_gatewaypayment_invoices_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.payments_gatewaypayment_invoices ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.payments_gatewaypayment_invoices_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: payments_gatewayrefund; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.payments_gatewayrefund (
    id bigint NOT NULL,
    amount numeric(14,2) NOT NULL,
    reason character varying(255) NOT NULL,
    refe_id character varying(40) NOT NULL,
    refund_ref_id character varying(100) NOT NULL,
    status character varying(16) NOT NULL,
    requested_at timestamp with time zone NOT NULL,
    finished_at timestamp with time zone,
    last_polled_at timestamp with time zone,
    gateway_payment_id bigint NOT NULL,
    requested_by_id bigint,
    ledger_entry_id bigint,
    request_key character varying(64),
    CONSTRAINT gateway_refund_amount_positive CHECK ((amount > (0)::numeric))
);


--
-- Name: payments_gatewayrefund_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.payments_gatewayrefund ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.payments_gatewayrefund_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: payments_gatewaysettings; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.payments_gatewaysettings (
    id bigint NOT NULL,
    enabled boolean NOT NULL,
    store_id character varying(64) NOT NULL,
    store_password text NOT NULL,
    base_url character varying(200) NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    updated_by_id bigint,
    fee_passed boolean NOT NULL,
    fee_percent numeric(5,2) NOT NULL,
    CONSTRAINT gateway_settings_single_row CHECK ((id = 1))
);


--
-- Name: payments_gatewaysettings_branches; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.payments_gatewaysettings_branches (
    id bigint NOT NULL,
    gatewaysettings_id bigint NOT NULL,
    branch_id bigint NOT NULL
);


--
-- Name: payments_gatewaysettings_branches_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.payments_gatewaysettings_branches ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.payments_gatewaysettings_branches_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: payments_gatewaysettings_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.payments_gatewaysettings ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.payments_gatewaysettings_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: payments_gatewaystatement; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.payments_gatewaystatement (
    id bigint NOT NULL,
    gateway character varying(16) NOT NULL,
    day date NOT NULL,
    filename character varying(255) NOT NULL,
    sha256 character varying(64) NOT NULL,
    uploaded_at timestamp with time zone NOT NULL,
    uploaded_by_id bigint
);


--
-- Name: payments_gatewaystatement_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.payments_gatewaystatement ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.payments_gatewaystatement_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: payments_gatewaystatementline; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.payments_gatewaystatementline (
    id bigint NOT NULL,
    txn_id character varying(100) NOT NULL,
    kind character varying(16) NOT NULL,
    at timestamp with time zone NOT NULL,
    amount numeric(14,2) NOT NULL,
    fee numeric(14,2) NOT NULL,
    reference character varying(100) NOT NULL,
    statement_id bigint NOT NULL,
    CONSTRAINT statement_line_amounts CHECK (((amount > (0)::numeric) AND (fee >= (0)::numeric)))
);


--
-- Name: payments_gatewaystatementline_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.payments_gatewaystatementline ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.payments_gatewaystatementline_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: payments_nagadsettings; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.payments_nagadsettings (
    id bigint NOT NULL,
    enabled boolean NOT NULL,
    merchant_id character varying(32) NOT NULL,
    merchant_number character varying(16) NOT NULL,
    merchant_private_key text NOT NULL,
    nagad_public_key text NOT NULL,
    base_url character varying(200) NOT NULL,
    fee_percent numeric(5,2) NOT NULL,
    fee_passed boolean NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    updated_by_id bigint,
    CONSTRAINT nagad_settings_single_row CHECK ((id = 1))
);


--
-- Name: payments_nagadsettings_branches; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.payments_nagadsettings_branches (
    id bigint NOT NULL,
    nagadsettings_id bigint NOT NULL,
    branch_id bigint NOT NULL
);


--
-- Name: payments_nagadsettings_branches_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.payments_nagadsettings_branches ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.payments_nagadsettings_branches_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: payments_nagadsettings_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.payments_nagadsettings ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.payments_nagadsettings_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: payments_pastpayment; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.payments_pastpayment (
    id bigint NOT NULL,
    paid_on date NOT NULL,
    amount numeric(14,2) NOT NULL,
    method character varying(40) NOT NULL,
    reference character varying(64) NOT NULL,
    note character varying(255) NOT NULL,
    imported_at timestamp with time zone NOT NULL,
    customer_id bigint NOT NULL,
    CONSTRAINT pastpayment_amount_positive CHECK ((amount > (0)::numeric))
);


--
-- Name: payments_pastpayment_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.payments_pastpayment ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.payments_pastpayment_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: payments_payment; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.payments_payment (
    id bigint NOT NULL,
    amount numeric(14,2) NOT NULL,
    method character varying(16) NOT NULL,
    reference character varying(100) NOT NULL,
    status character varying(16) NOT NULL,
    receipt_number character varying(32) NOT NULL,
    received_at timestamp with time zone NOT NULL,
    idempotency_key character varying(64),
    note character varying(255) NOT NULL,
    reversal_reason text NOT NULL,
    reversed_at timestamp with time zone,
    created_at timestamp with time zone NOT NULL,
    customer_id bigint NOT NULL,
    received_by_id bigint,
    reseller_id bigint,
    CONSTRAINT payment_amount_positive CHECK ((amount > (0)::numeric))
);


--
-- Name: payments_payment_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.payments_payment ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.payments_payment_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: payments_queuedpayment; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.payments_queuedpayment (
    id bigint NOT NULL,
    idempotency_key character varying(64) NOT NULL,
    amount numeric(14,2) NOT NULL,
    method character varying(16) NOT NULL,
    reference character varying(100) NOT NULL,
    received_at timestamp with time zone NOT NULL,
    note character varying(255) NOT NULL,
    refusal text NOT NULL,
    queued_at timestamp with time zone NOT NULL,
    customer_id bigint NOT NULL,
    payment_id bigint
);


--
-- Name: payments_queuedpayment_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.payments_queuedpayment ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.payments_queuedpayment_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: payments_reconciliationitem; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.payments_reconciliationitem (
    id bigint NOT NULL,
    gateway character varying(16) NOT NULL,
    day date NOT NULL,
    key character varying(110) NOT NULL,
    kind character varying(20) NOT NULL,
    txn_id character varying(100) NOT NULL,
    our_amount numeric(14,2),
    gateway_amount numeric(14,2),
    gateway_fee numeric(14,2),
    gateway_at timestamp with time zone,
    statement_kind character varying(16) NOT NULL,
    reference character varying(100) NOT NULL,
    detail character varying(255) NOT NULL,
    resolution character varying(16) NOT NULL,
    resolved_at timestamp with time zone,
    note character varying(255) NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    gateway_payment_id bigint,
    payment_id bigint,
    resolved_by_id bigint
);


--
-- Name: payments_reconciliationitem_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.payments_reconciliationitem ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.payments_reconciliationitem_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: payments_reconciliationrun; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.payments_reconciliationrun (
    id bigint NOT NULL,
    gateway character varying(16) NOT NULL,
    day date NOT NULL,
    started_at timestamp with time zone NOT NULL,
    finished_at timestamp with time zone,
    counts jsonb NOT NULL,
    started_by_id bigint,
    statement_id bigint
);


--
-- Name: payments_reconciliationrun_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.payments_reconciliationrun ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.payments_reconciliationrun_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: payments_vdsdeduction; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.payments_vdsdeduction (
    id bigint NOT NULL,
    amount numeric(14,2) NOT NULL,
    deducted_on date NOT NULL,
    certificate_number character varying(64) NOT NULL,
    certificate_date date,
    certificate_recorded_at timestamp with time zone,
    created_at timestamp with time zone NOT NULL,
    certificate_recorded_by_id bigint,
    created_by_id bigint,
    customer_id bigint NOT NULL,
    invoice_id bigint NOT NULL,
    payment_id bigint NOT NULL,
    CONSTRAINT vds_amount_positive CHECK ((amount > (0)::numeric)),
    CONSTRAINT vds_certificate_number_with_date CHECK (((((certificate_number)::text = ''::text) AND (certificate_date IS NULL)) OR ((NOT ((certificate_number)::text = ''::text)) AND (certificate_date IS NOT NULL))))
);


--
-- Name: payments_vdsdeduction_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.payments_vdsdeduction ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.payments_vdsdeduction_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: radius_bad_secret_drop; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.radius_bad_secret_drop (
    router_id bigint NOT NULL,
    drops integer NOT NULL,
    first_at timestamp with time zone NOT NULL,
    last_at timestamp with time zone NOT NULL,
    CONSTRAINT radius_bad_secret_drop_drops_check CHECK ((drops >= 0))
);


--
-- Name: radius_packageradius; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.radius_packageradius (
    package_id bigint NOT NULL,
    burst_download_mbps integer,
    burst_upload_mbps integer,
    burst_threshold_percent smallint NOT NULL,
    burst_time_seconds smallint NOT NULL,
    pool character varying(64) NOT NULL,
    address_list character varying(64) NOT NULL,
    simultaneous_use smallint NOT NULL,
    CONSTRAINT radius_burst_both_or_neither CHECK ((((burst_download_mbps IS NULL) AND (burst_upload_mbps IS NULL)) OR ((burst_download_mbps > 0) AND (burst_upload_mbps > 0)))),
    CONSTRAINT radius_burst_threshold_pct CHECK (((burst_threshold_percent >= 1) AND (burst_threshold_percent <= 100))),
    CONSTRAINT radius_burst_time_positive CHECK ((burst_time_seconds >= 1)),
    CONSTRAINT radius_packageradius_burst_download_mbps_check CHECK ((burst_download_mbps >= 0)),
    CONSTRAINT radius_packageradius_burst_threshold_percent_check CHECK ((burst_threshold_percent >= 0)),
    CONSTRAINT radius_packageradius_burst_time_seconds_check CHECK ((burst_time_seconds >= 0)),
    CONSTRAINT radius_packageradius_burst_upload_mbps_check CHECK ((burst_upload_mbps >= 0)),
    CONSTRAINT radius_packageradius_simultaneous_use_check CHECK ((simultaneous_use >= 0)),
    CONSTRAINT radius_simultaneous_use_positive CHECK ((simultaneous_use >= 1))
);


--
-- Name: radius_subscriber; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.radius_subscriber AS
 SELECT s.id AS subscription_id,
    s.router_id,
    s.username,
    s.password_nt_hash AS nt_hash,
    s.static_ip,
    x.blocked,
        CASE
            WHEN (x.blocked IS NULL) THEN 'full'::text
            WHEN ((x.blocked <> 'not_active'::text) AND ((bs.blocked_access)::text = 'walled_garden'::text)) THEN 'walled'::text
            ELSE 'reject'::text
        END AS access,
        CASE
            WHEN x.throttled THEN p.fup_download_mbps
            ELSE p.download_mbps
        END AS download_mbps,
        CASE
            WHEN x.throttled THEN p.fup_upload_mbps
            ELSE p.upload_mbps
        END AS upload_mbps,
        CASE
            WHEN x.throttled THEN NULL::integer
            ELSE pr.burst_download_mbps
        END AS burst_download_mbps,
        CASE
            WHEN x.throttled THEN NULL::integer
            ELSE pr.burst_upload_mbps
        END AS burst_upload_mbps,
    COALESCE((pr.burst_threshold_percent)::integer, 75) AS burst_threshold_percent,
    COALESCE((pr.burst_time_seconds)::integer, 16) AS burst_time_seconds,
    COALESCE(pr.pool, ''::character varying) AS pool,
    COALESCE(pr.address_list, ''::character varying) AS address_list,
    COALESCE((pr.simultaneous_use)::integer, 1) AS simultaneous_use,
    r.suspended_address_list,
    COALESCE(bs.walled_garden_pool, ''::character varying) AS walled_garden_pool,
    (s.connection_type)::text AS connection_type,
    (s.paid_through + COALESCE((bs.grace_days)::integer, 0)) AS access_until
   FROM ((((((public.customers_subscription s
     JOIN public.customers_package p ON ((p.id = s.package_id)))
     JOIN public.network_router r ON ((r.id = s.router_id)))
     LEFT JOIN public.radius_packageradius pr ON ((pr.package_id = s.package_id)))
     LEFT JOIN public.billing_billingsettings bs ON ((bs.id = 1)))
     LEFT JOIN public.network_fupstate f ON ((f.subscription_id = s.id)))
     CROSS JOIN LATERAL ( SELECT
                CASE
                    WHEN ((s.status)::text = 'suspended'::text) THEN 'suspended'::text
                    WHEN ((s.status)::text = 'pending'::text) THEN 'not_active'::text
                    WHEN ((s.paid_through IS NOT NULL) AND ((s.paid_through + COALESCE((bs.grace_days)::integer, 0)) < CURRENT_DATE)) THEN 'expired'::text
                    ELSE NULL::text
                END AS blocked,
            ((f.throttled_at IS NOT NULL) AND (f.lifted_at IS NULL) AND (p.fup_download_mbps IS NOT NULL)) AS throttled) x)
  WHERE (((s.username)::text <> ''::text) AND ((s.status)::text <> 'cancelled'::text));


--
-- Name: radius_check; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.radius_check AS
 SELECT s.subscription_id AS id,
    s.router_id,
    s.username,
    a.attribute,
    a.value,
    ':='::text AS op
   FROM (public.radius_subscriber s
     CROSS JOIN LATERAL ( VALUES (1,'NT-Password'::text,NULLIF((s.nt_hash)::text, ''::text)), (2,'Simultaneous-Use'::text,(s.simultaneous_use)::text), (3,'Tmp-Integer-0'::text,(s.subscription_id)::text), (4,'Tmp-String-0'::text,s.blocked), (5,'Auth-Type'::text,
                CASE
                    WHEN (s.access = 'reject'::text) THEN 'Reject'::text
                    ELSE NULL::text
                END)) a("position", attribute, value))
  WHERE (a.value IS NOT NULL);


--
-- Name: radius_login; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.radius_login AS
 SELECT customers_subscription.id AS subscription_id,
    customers_subscription.router_id,
    customers_subscription.username
   FROM public.customers_subscription
  WHERE (((customers_subscription.username)::text <> ''::text) AND ((customers_subscription.status)::text <> 'cancelled'::text));


--
-- Name: radius_login_source; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.radius_login_source AS
 SELECT s.id AS subscription_id,
    s.router_id,
    (
        CASE
            WHEN ((s.connection_type)::text = 'ipoe'::text) THEN s.mac_address
            ELSE s.username
        END)::text AS username,
    (s.password_nt_hash)::text AS nt_hash,
    s.static_ip,
    (s.status)::text AS status,
    (s.connection_type)::text AS connection_type,
    s.paid_through,
    COALESCE((bs.grace_days)::integer, 0) AS grace_days,
    (bs.blocked_access)::text AS blocked_access,
        CASE
            WHEN x.throttled THEN p.fup_download_mbps
            ELSE p.download_mbps
        END AS download_mbps,
        CASE
            WHEN x.throttled THEN p.fup_upload_mbps
            ELSE p.upload_mbps
        END AS upload_mbps,
        CASE
            WHEN x.throttled THEN NULL::integer
            ELSE pr.burst_download_mbps
        END AS burst_download_mbps,
        CASE
            WHEN x.throttled THEN NULL::integer
            ELSE pr.burst_upload_mbps
        END AS burst_upload_mbps,
    COALESCE((pr.burst_threshold_percent)::integer, 75) AS burst_threshold_percent,
    COALESCE((pr.burst_time_seconds)::integer, 16) AS burst_time_seconds,
    (COALESCE(pr.pool, ''::character varying))::text AS pool,
    (COALESCE(pr.address_list, ''::character varying))::text AS address_list,
    COALESCE((pr.simultaneous_use)::integer, 1) AS simultaneous_use,
    (r.suspended_address_list)::text AS suspended_address_list,
    (COALESCE(bs.walled_garden_pool, ''::character varying))::text AS walled_garden_pool,
    (( SELECT a.address
           FROM public.network_addressassignment a
          WHERE ((a.subscription_id = s.id) AND (a.family = 6) AND (a.released_at IS NULL))))::text AS ipv6_prefix,
    COALESCE(NULLIF((pr.address_list)::text, ''::text),
        CASE
            WHEN ((p.bdix_download_mbps IS NOT NULL) OR (p.cache_download_mbps IS NOT NULL)) THEN ('ispbill-pkg-'::text || p.id)
            ELSE NULL::text
        END) AS speed_address_list,
    (EXISTS ( SELECT
           FROM public.customers_packagespeedwindow w
          WHERE (w.package_id = s.package_id))) AS speed_windowed
   FROM ((((((public.customers_subscription s
     JOIN public.customers_package p ON ((p.id = s.package_id)))
     JOIN public.network_router r ON ((r.id = s.router_id)))
     LEFT JOIN public.radius_packageradius pr ON ((pr.package_id = s.package_id)))
     LEFT JOIN public.billing_billingsettings bs ON ((bs.id = 1)))
     LEFT JOIN public.network_fupstate f ON ((f.subscription_id = s.id)))
     CROSS JOIN LATERAL ( SELECT ((f.throttled_at IS NOT NULL) AND (f.lifted_at IS NULL) AND (p.fup_download_mbps IS NOT NULL)) AS throttled) x)
  WHERE ((((s.username)::text <> ''::text) OR (((s.connection_type)::text = 'ipoe'::text) AND ((s.mac_address)::text <> ''::text))) AND ((s.status)::text <> 'cancelled'::text));


--
-- Name: radius_login_state; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.radius_login_state (
    subscription_id bigint NOT NULL,
    router_id bigint,
    username text,
    nt_hash text,
    static_ip inet,
    status text,
    connection_type text,
    paid_through date,
    grace_days integer,
    blocked_access text,
    download_mbps integer,
    upload_mbps integer,
    burst_download_mbps integer,
    burst_upload_mbps integer,
    burst_threshold_percent integer,
    burst_time_seconds integer,
    pool text,
    address_list text,
    simultaneous_use integer,
    suspended_address_list text,
    walled_garden_pool text,
    ipv6_prefix text,
    speed_address_list text,
    speed_windowed boolean
);


--
-- Name: radius_postauth; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.radius_postauth (
    id bigint NOT NULL,
    username text NOT NULL,
    accepted boolean NOT NULL,
    reason character varying(32) NOT NULL,
    walled_garden boolean NOT NULL,
    callingstationid text NOT NULL,
    authdate timestamp with time zone NOT NULL,
    router_id bigint,
    subscription_id bigint,
    answer_id text
);


--
-- Name: radius_postauth_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.radius_postauth ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.radius_postauth_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: radius_radacct; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.radius_radacct (
    radacctid bigint NOT NULL,
    acctsessionid text NOT NULL,
    acctuniqueid character varying(32) NOT NULL,
    username text NOT NULL,
    realm text NOT NULL,
    nasipaddress inet NOT NULL,
    nasportid text NOT NULL,
    nasporttype text NOT NULL,
    acctstarttime timestamp with time zone,
    acctupdatetime timestamp with time zone,
    acctstoptime timestamp with time zone,
    acctinterval bigint,
    acctsessiontime bigint,
    acctauthentic text NOT NULL,
    connectinfo_start text NOT NULL,
    connectinfo_stop text NOT NULL,
    acctinputoctets bigint,
    acctoutputoctets bigint,
    calledstationid text NOT NULL,
    callingstationid text NOT NULL,
    acctterminatecause text NOT NULL,
    servicetype text NOT NULL,
    framedprotocol text NOT NULL,
    framedipaddress inet,
    router_id bigint,
    subscription_id bigint,
    counted_input_octets bigint DEFAULT 0 NOT NULL,
    counted_output_octets bigint DEFAULT 0 NOT NULL
);


--
-- Name: radius_radacct_radacctid_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.radius_radacct ALTER COLUMN radacctid ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.radius_radacct_radacctid_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: radius_reply; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.radius_reply AS
 SELECT s.subscription_id AS id,
    s.router_id,
    s.username,
    a.attribute,
    a.value,
    ':='::text AS op
   FROM (public.radius_subscriber s
     CROSS JOIN LATERAL ( VALUES (1,'Mikrotik-Rate-Limit'::text,
                CASE
                    WHEN (s.access = 'full'::text) THEN ((((s.upload_mbps || 'M/'::text) || s.download_mbps) || 'M'::text) ||
                    CASE
                        WHEN (s.burst_download_mbps IS NOT NULL) THEN (((((((((((' '::text || s.burst_upload_mbps) || 'M/'::text) || s.burst_download_mbps) || 'M '::text) || ((s.upload_mbps * 10) * s.burst_threshold_percent)) || 'k/'::text) || ((s.download_mbps * 10) * s.burst_threshold_percent)) || 'k '::text) || s.burst_time_seconds) || '/'::text) || s.burst_time_seconds)
                        ELSE ''::text
                    END)
                    ELSE NULL::text
                END), (2,'Framed-IP-Address'::text,
                CASE
                    WHEN (s.access = 'full'::text) THEN host(s.static_ip)
                    ELSE NULL::text
                END), (3,'Framed-Pool'::text,
                CASE
                    WHEN (s.access = 'walled'::text) THEN NULLIF((s.walled_garden_pool)::text, ''::text)
                    WHEN (s.static_ip IS NULL) THEN NULLIF((s.pool)::text, ''::text)
                    ELSE NULL::text
                END), (4,'Mikrotik-Address-List'::text,
                CASE
                    WHEN (s.access = 'walled'::text) THEN NULLIF((s.suspended_address_list)::text, ''::text)
                    ELSE NULLIF((s.address_list)::text, ''::text)
                END)) a("position", attribute, value))
  WHERE ((s.access <> 'reject'::text) AND (a.value IS NOT NULL));


--
-- Name: radius_router_reload; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.radius_router_reload (
    router_id bigint NOT NULL,
    reloaded_at timestamp with time zone NOT NULL
);


--
-- Name: radius_servers_pushed; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.radius_servers_pushed (
    id bigint NOT NULL,
    fingerprint character varying(64) NOT NULL,
    servers text NOT NULL,
    pushed_at timestamp with time zone NOT NULL,
    CONSTRAINT radius_servers_pushed_one_row CHECK ((id = 1))
);


--
-- Name: radius_servers_pushed_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.radius_servers_pushed ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.radius_servers_pushed_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: radius_session_log; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.radius_session_log (
    radacctid bigint NOT NULL,
    acctsessionid text NOT NULL,
    acctuniqueid character varying(32) NOT NULL,
    username text NOT NULL,
    nasipaddress inet NOT NULL,
    nasportid text NOT NULL,
    acctstarttime timestamp with time zone NOT NULL,
    acctstoptime timestamp with time zone NOT NULL,
    acctsessiontime bigint,
    acctinputoctets bigint,
    acctoutputoctets bigint,
    calledstationid text NOT NULL,
    callingstationid text NOT NULL,
    acctterminatecause text NOT NULL,
    framedipaddress inet,
    customer_id bigint,
    router_id bigint,
    subscription_id bigint
)
PARTITION BY RANGE (acctstoptime);


--
-- Name: radius_session_log_default; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.radius_session_log_default (
    radacctid bigint NOT NULL,
    acctsessionid text NOT NULL,
    acctuniqueid character varying(32) NOT NULL,
    username text NOT NULL,
    nasipaddress inet NOT NULL,
    nasportid text NOT NULL,
    acctstarttime timestamp with time zone NOT NULL,
    acctstoptime timestamp with time zone NOT NULL,
    acctsessiontime bigint,
    acctinputoctets bigint,
    acctoutputoctets bigint,
    calledstationid text NOT NULL,
    callingstationid text NOT NULL,
    acctterminatecause text NOT NULL,
    framedipaddress inet,
    customer_id bigint,
    router_id bigint,
    subscription_id bigint
);


--
-- Name: radius_session_log_p202610; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.radius_session_log_p202610 (
    radacctid bigint NOT NULL,
    acctsessionid text NOT NULL,
    acctuniqueid character varying(32) NOT NULL,
    username text NOT NULL,
    nasipaddress inet NOT NULL,
    nasportid text NOT NULL,
    acctstarttime timestamp with time zone NOT NULL,
    acctstoptime timestamp with time zone NOT NULL,
    acctsessiontime bigint,
    acctinputoctets bigint,
    acctoutputoctets bigint,
    calledstationid text NOT NULL,
    callingstationid text NOT NULL,
    acctterminatecause text NOT NULL,
    framedipaddress inet,
    customer_id bigint,
    router_id bigint,
    subscription_id bigint
);


--
-- Name: radius_session_log_p202611; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.radius_session_log_p202611 (
    radacctid bigint NOT NULL,
    acctsessionid text NOT NULL,
    acctuniqueid character varying(32) NOT NULL,
    username text NOT NULL,
    nasipaddress inet NOT NULL,
    nasportid text NOT NULL,
    acctstarttime timestamp with time zone NOT NULL,
    acctstoptime timestamp with time zone NOT NULL,
    acctsessiontime bigint,
    acctinputoctets bigint,
    acctoutputoctets bigint,
    calledstationid text NOT NULL,
    callingstationid text NOT NULL,
    acctterminatecause text NOT NULL,
    framedipaddress inet,
    customer_id bigint,
    router_id bigint,
    subscription_id bigint
);


--
-- Name: radius_session_log_p202612; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.radius_session_log_p202612 (
    radacctid bigint NOT NULL,
    acctsessionid text NOT NULL,
    acctuniqueid character varying(32) NOT NULL,
    username text NOT NULL,
    nasipaddress inet NOT NULL,
    nasportid text NOT NULL,
    acctstarttime timestamp with time zone NOT NULL,
    acctstoptime timestamp with time zone NOT NULL,
    acctsessiontime bigint,
    acctinputoctets bigint,
    acctoutputoctets bigint,
    calledstationid text NOT NULL,
    callingstationid text NOT NULL,
    acctterminatecause text NOT NULL,
    framedipaddress inet,
    customer_id bigint,
    router_id bigint,
    subscription_id bigint
);


--
-- Name: radius_session_log_p202701; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.radius_session_log_p202701 (
    radacctid bigint NOT NULL,
    acctsessionid text NOT NULL,
    acctuniqueid character varying(32) NOT NULL,
    username text NOT NULL,
    nasipaddress inet NOT NULL,
    nasportid text NOT NULL,
    acctstarttime timestamp with time zone NOT NULL,
    acctstoptime timestamp with time zone NOT NULL,
    acctsessiontime bigint,
    acctinputoctets bigint,
    acctoutputoctets bigint,
    calledstationid text NOT NULL,
    callingstationid text NOT NULL,
    acctterminatecause text NOT NULL,
    framedipaddress inet,
    customer_id bigint,
    router_id bigint,
    subscription_id bigint
);


--
-- Name: radius_session_log_p202702; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.radius_session_log_p202702 (
    radacctid bigint NOT NULL,
    acctsessionid text NOT NULL,
    acctuniqueid character varying(32) NOT NULL,
    username text NOT NULL,
    nasipaddress inet NOT NULL,
    nasportid text NOT NULL,
    acctstarttime timestamp with time zone NOT NULL,
    acctstoptime timestamp with time zone NOT NULL,
    acctsessiontime bigint,
    acctinputoctets bigint,
    acctoutputoctets bigint,
    calledstationid text NOT NULL,
    callingstationid text NOT NULL,
    acctterminatecause text NOT NULL,
    framedipaddress inet,
    customer_id bigint,
    router_id bigint,
    subscription_id bigint
);


--
-- Name: resellers_commissionrule; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.resellers_commissionrule (
    id bigint NOT NULL,
    percent numeric(5,2) NOT NULL,
    months smallint,
    min_active_customers integer NOT NULL,
    package_id bigint,
    reseller_id bigint NOT NULL,
    CONSTRAINT commissionrule_percent_range CHECK (((percent > (0)::numeric) AND (percent <= (100)::numeric))),
    CONSTRAINT resellers_commissionrule_min_active_customers_check CHECK ((min_active_customers >= 0)),
    CONSTRAINT resellers_commissionrule_months_check CHECK ((months >= 0))
);


--
-- Name: resellers_commissionrule_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.resellers_commissionrule ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.resellers_commissionrule_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: resellers_commissionstatement; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.resellers_commissionstatement (
    id bigint NOT NULL,
    period date NOT NULL,
    accrued numeric(14,2) NOT NULL,
    margin numeric(14,2) NOT NULL,
    clawed_back numeric(14,2) NOT NULL,
    paid_out numeric(14,2) NOT NULL,
    closed_at timestamp with time zone NOT NULL,
    closed_by_id bigint,
    reseller_id bigint NOT NULL
);


--
-- Name: resellers_commissionstatement_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.resellers_commissionstatement ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.resellers_commissionstatement_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: resellers_payout; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.resellers_payout (
    id bigint NOT NULL,
    amount numeric(14,2) NOT NULL,
    status character varying(16) NOT NULL,
    note character varying(255) NOT NULL,
    requested_at timestamp with time zone NOT NULL,
    decided_at timestamp with time zone,
    decision_note character varying(255) NOT NULL,
    decided_by_id bigint,
    entry_id bigint,
    requested_by_id bigint,
    reseller_id bigint NOT NULL,
    CONSTRAINT payout_amount_positive CHECK ((amount > (0)::numeric))
);


--
-- Name: resellers_payout_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.resellers_payout ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.resellers_payout_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: resellers_renewal; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.resellers_renewal (
    id bigint NOT NULL,
    period_start date NOT NULL,
    period_end date NOT NULL,
    price numeric(14,2) NOT NULL,
    idempotency_key character varying(64),
    status character varying(16) NOT NULL,
    attempts smallint NOT NULL,
    last_error text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    settled_at timestamp with time zone,
    created_by_id bigint,
    entry_id bigint,
    invoice_id bigint,
    payment_id bigint,
    reseller_id bigint NOT NULL,
    subscription_id bigint NOT NULL,
    parent_entry_id bigint,
    parent_price numeric(14,2),
    CONSTRAINT renewal_debited_iff_pending_or_settled CHECK ((((entry_id IS NULL) AND ((status)::text = ANY ((ARRAY['requested'::character varying, 'refused'::character varying])::text[]))) OR ((entry_id IS NOT NULL) AND ((status)::text = ANY ((ARRAY['pending'::character varying, 'settled'::character varying])::text[]))))),
    CONSTRAINT resellers_renewal_attempts_check CHECK ((attempts >= 0))
);


--
-- Name: resellers_renewal_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.resellers_renewal ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.resellers_renewal_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: resellers_reseller; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.resellers_reseller (
    id bigint NOT NULL,
    name character varying(150) NOT NULL,
    phone character varying(20) NOT NULL,
    is_active boolean NOT NULL,
    created_at timestamp with time zone NOT NULL,
    branch_id bigint NOT NULL,
    user_id bigint NOT NULL,
    address text NOT NULL,
    contact_person character varying(150) NOT NULL,
    email character varying(254) NOT NULL,
    model character varying(16) NOT NULL,
    low_balance_alert numeric(14,2),
    brand_on_documents boolean NOT NULL,
    logo character varying(100) NOT NULL,
    sms_sender_id character varying(11) NOT NULL,
    parent_id bigint,
    card_commission_percent numeric(5,2) NOT NULL,
    kind character varying(12) NOT NULL,
    CONSTRAINT reseller_card_commission_range CHECK (((card_commission_percent >= (0)::numeric) AND (card_commission_percent < (100)::numeric))),
    CONSTRAINT reseller_not_own_parent CHECK ((NOT ((parent_id = id) AND (parent_id IS NOT NULL))))
);


--
-- Name: resellers_reseller_areas; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.resellers_reseller_areas (
    id bigint NOT NULL,
    reseller_id bigint NOT NULL,
    area_id bigint NOT NULL
);


--
-- Name: resellers_reseller_areas_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.resellers_reseller_areas ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.resellers_reseller_areas_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: resellers_reseller_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.resellers_reseller ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.resellers_reseller_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: resellers_resellerlogin; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.resellers_resellerlogin (
    id bigint NOT NULL,
    role character varying(8) NOT NULL,
    created_at timestamp with time zone NOT NULL,
    reseller_id bigint NOT NULL,
    user_id bigint NOT NULL
);


--
-- Name: resellers_resellerlogin_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.resellers_resellerlogin ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.resellers_resellerlogin_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: resellers_resellerpackage; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.resellers_resellerpackage (
    id bigint NOT NULL,
    price numeric(14,2),
    package_id bigint NOT NULL,
    reseller_id bigint NOT NULL,
    CONSTRAINT resellerpackage_price_not_negative CHECK (((price IS NULL) OR (price >= (0)::numeric)))
);


--
-- Name: resellers_resellerpackage_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.resellers_resellerpackage ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.resellers_resellerpackage_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: tickets_holiday; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.tickets_holiday (
    id bigint NOT NULL,
    date date NOT NULL,
    name character varying(100) NOT NULL
);


--
-- Name: tickets_holiday_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.tickets_holiday ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.tickets_holiday_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: tickets_slapolicy; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.tickets_slapolicy (
    id bigint NOT NULL,
    priority character varying(16) NOT NULL,
    category character varying(24) NOT NULL,
    response_minutes integer NOT NULL,
    resolution_minutes integer NOT NULL,
    CONSTRAINT sla_policy_targets_positive CHECK (((resolution_minutes > 0) AND (response_minutes > 0))),
    CONSTRAINT tickets_slapolicy_resolution_minutes_check CHECK ((resolution_minutes >= 0)),
    CONSTRAINT tickets_slapolicy_response_minutes_check CHECK ((response_minutes >= 0))
);


--
-- Name: tickets_slapolicy_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.tickets_slapolicy ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.tickets_slapolicy_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: tickets_supportsettings; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.tickets_supportsettings (
    id bigint NOT NULL,
    workday_start time without time zone NOT NULL,
    workday_end time without time zone NOT NULL,
    working_days jsonb NOT NULL,
    reopen_days smallint NOT NULL,
    warn_before_minutes integer NOT NULL,
    CONSTRAINT support_settings_single_row CHECK ((id = 1)),
    CONSTRAINT support_workday_order CHECK ((workday_end > workday_start)),
    CONSTRAINT tickets_supportsettings_reopen_days_check CHECK ((reopen_days >= 0)),
    CONSTRAINT tickets_supportsettings_warn_before_minutes_check CHECK ((warn_before_minutes >= 0))
);


--
-- Name: tickets_supportsettings_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.tickets_supportsettings ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.tickets_supportsettings_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: tickets_survey; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.tickets_survey (
    id bigint NOT NULL,
    asked_at timestamp with time zone NOT NULL,
    rating smallint,
    comment text NOT NULL,
    answered_at timestamp with time zone,
    agent_id bigint,
    ticket_id bigint,
    branch_id bigint,
    customer_id bigint,
    kind character varying(8) NOT NULL,
    subject character varying(200) NOT NULL,
    CONSTRAINT survey_answer_complete CHECK ((((answered_at IS NULL) AND (rating IS NULL)) OR ((answered_at IS NOT NULL) AND (rating IS NOT NULL)))),
    CONSTRAINT survey_rating_1_to_5 CHECK (((rating IS NULL) OR ((rating >= 1) AND (rating <= 5)))),
    CONSTRAINT survey_support_has_ticket CHECK ((((kind)::text = 'visit'::text) OR (ticket_id IS NOT NULL))),
    CONSTRAINT tickets_survey_rating_check CHECK ((rating >= 0))
);


--
-- Name: tickets_survey_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.tickets_survey ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.tickets_survey_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: tickets_ticket; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.tickets_ticket (
    id bigint NOT NULL,
    number character varying(32) NOT NULL,
    category character varying(24) NOT NULL,
    priority character varying(16) NOT NULL,
    status character varying(16) NOT NULL,
    source character varying(16) NOT NULL,
    subject character varying(150) NOT NULL,
    description text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    response_target_minutes integer NOT NULL,
    resolution_target_minutes integer NOT NULL,
    paused_minutes integer NOT NULL,
    paused_since timestamp with time zone,
    first_response_due timestamp with time zone,
    resolution_due timestamp with time zone,
    first_response_at timestamp with time zone,
    resolved_at timestamp with time zone,
    closed_at timestamp with time zone,
    response_breached_at timestamp with time zone,
    resolution_breached_at timestamp with time zone,
    breached boolean NOT NULL,
    response_warned_at timestamp with time zone,
    resolution_warned_at timestamp with time zone,
    attachment character varying(200) NOT NULL,
    attachment_name character varying(150) NOT NULL,
    attachment_type character varying(80) NOT NULL,
    area_id bigint NOT NULL,
    assignee_id bigint,
    branch_id bigint NOT NULL,
    created_by_id bigint,
    customer_id bigint NOT NULL,
    CONSTRAINT tickets_ticket_paused_minutes_check CHECK ((paused_minutes >= 0)),
    CONSTRAINT tickets_ticket_resolution_target_minutes_check CHECK ((resolution_target_minutes >= 0)),
    CONSTRAINT tickets_ticket_response_target_minutes_check CHECK ((response_target_minutes >= 0))
);


--
-- Name: tickets_ticket_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.tickets_ticket ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.tickets_ticket_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: tickets_ticketcomment; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.tickets_ticketcomment (
    id bigint NOT NULL,
    by_customer boolean NOT NULL,
    internal boolean NOT NULL,
    body text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    author_id bigint,
    ticket_id bigint NOT NULL,
    CONSTRAINT ticketcomment_customer_not_internal CHECK ((NOT (by_customer AND internal)))
);


--
-- Name: tickets_ticketcomment_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.tickets_ticketcomment ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.tickets_ticketcomment_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: vouchers_batchcodes; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.vouchers_batchcodes (
    batch_id bigint NOT NULL,
    sealed text NOT NULL
);


--
-- Name: vouchers_cardloginkey; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.vouchers_cardloginkey (
    id smallint NOT NULL,
    hmac_key bytea NOT NULL,
    time_zone character varying(64) NOT NULL,
    CONSTRAINT cardloginkey_single_row CHECK ((id = 1)),
    CONSTRAINT vouchers_cardloginkey_id_check CHECK ((id >= 0))
);


--
-- Name: vouchers_cardsession; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.vouchers_cardsession (
    acctuniqueid character varying(32) NOT NULL,
    counted_bytes bigint NOT NULL,
    started_at timestamp with time zone NOT NULL,
    card_id bigint NOT NULL
);


--
-- Name: vouchers_voucherbatch; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.vouchers_voucherbatch (
    id bigint NOT NULL,
    number character varying(32) NOT NULL,
    count integer NOT NULL,
    first_serial bigint NOT NULL,
    last_serial bigint NOT NULL,
    status character varying(10) NOT NULL,
    unit_price numeric(14,2) NOT NULL,
    unused_expires_on date NOT NULL,
    note character varying(200) NOT NULL,
    issued_at timestamp with time zone,
    commission_percent numeric(5,2),
    unit_net numeric(14,2),
    refunded_cards integer NOT NULL,
    created_at timestamp with time zone NOT NULL,
    status_changed_at timestamp with time zone,
    created_by_id bigint,
    distributor_id bigint,
    refund_entry_id bigint,
    wallet_entry_id bigint,
    plan_id bigint NOT NULL,
    zone_id bigint,
    channel character varying(8) NOT NULL,
    cards_made integer NOT NULL,
    failure character varying(500) NOT NULL,
    generation_attempt integer NOT NULL,
    CONSTRAINT voucherbatch_count_range CHECK (((count >= 1) AND (count <= 100000))),
    CONSTRAINT voucherbatch_issued_whole CHECK ((((distributor_id IS NULL) AND (issued_at IS NULL) AND (wallet_entry_id IS NULL)) OR ((distributor_id IS NOT NULL) AND (issued_at IS NOT NULL) AND (unit_net IS NOT NULL)))),
    CONSTRAINT voucherbatch_serials_span CHECK ((last_serial = ((first_serial + count) - 1))),
    CONSTRAINT vouchers_voucherbatch_cards_made_check CHECK ((cards_made >= 0)),
    CONSTRAINT vouchers_voucherbatch_count_check CHECK ((count >= 0)),
    CONSTRAINT vouchers_voucherbatch_first_serial_check CHECK ((first_serial >= 0)),
    CONSTRAINT vouchers_voucherbatch_generation_attempt_check CHECK ((generation_attempt >= 0)),
    CONSTRAINT vouchers_voucherbatch_last_serial_check CHECK ((last_serial >= 0)),
    CONSTRAINT vouchers_voucherbatch_refunded_cards_check CHECK ((refunded_cards >= 0))
);


--
-- Name: vouchers_voucherbatch_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.vouchers_voucherbatch ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.vouchers_voucherbatch_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: vouchers_vouchercard; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.vouchers_vouchercard (
    id bigint NOT NULL,
    serial bigint NOT NULL,
    code_hmac character varying(64) NOT NULL,
    state character varying(10) NOT NULL,
    sold_at timestamp with time zone,
    first_used_at timestamp with time zone,
    expires_at timestamp with time zone,
    data_used_bytes bigint NOT NULL,
    devices jsonb NOT NULL,
    ended_at timestamp with time zone,
    block_reason character varying(200) NOT NULL,
    batch_id bigint NOT NULL,
    used_zone_id bigint,
    phone character varying(20) NOT NULL,
    remembered_mac character varying(17) NOT NULL,
    remembered_until timestamp with time zone,
    redeemed_at timestamp with time zone,
    redeemed_customer_id bigint,
    redeemed_payment_id bigint,
    CONSTRAINT vouchercard_redeemed_whole CHECK (((redeemed_at IS NULL) OR ((redeemed_customer_id IS NOT NULL) AND (redeemed_payment_id IS NOT NULL) AND ((state)::text = 'used_up'::text)))),
    CONSTRAINT vouchercard_used_has_first_use CHECK (((NOT ((state)::text = ANY ((ARRAY['active'::character varying, 'used_up'::character varying])::text[]))) OR (first_used_at IS NOT NULL))),
    CONSTRAINT vouchers_vouchercard_data_used_bytes_check CHECK ((data_used_bytes >= 0)),
    CONSTRAINT vouchers_vouchercard_serial_check CHECK ((serial >= 0))
);


--
-- Name: vouchers_vouchercard_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.vouchers_vouchercard ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.vouchers_vouchercard_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: vouchers_voucherplan; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.vouchers_voucherplan (
    id bigint NOT NULL,
    name character varying(80) NOT NULL,
    name_bn character varying(80) NOT NULL,
    duration integer NOT NULL,
    duration_unit character varying(8) NOT NULL,
    data_mb integer,
    download_kbps integer NOT NULL,
    upload_kbps integer NOT NULL,
    devices smallint NOT NULL,
    price numeric(14,2) NOT NULL,
    valid_from character varying(10) NOT NULL,
    unused_days integer NOT NULL,
    is_active boolean NOT NULL,
    created_at timestamp with time zone NOT NULL,
    speed_package_id bigint,
    CONSTRAINT voucherplan_devices_range CHECK (((devices >= 1) AND (devices <= 20))),
    CONSTRAINT voucherplan_duration_range CHECK (((duration >= 1) AND (duration <= 8760))),
    CONSTRAINT voucherplan_price_positive CHECK ((price > (0)::numeric)),
    CONSTRAINT voucherplan_speed_min CHECK (((download_kbps >= 64) AND (upload_kbps >= 64))),
    CONSTRAINT voucherplan_unused_days_range CHECK (((unused_days >= 1) AND (unused_days <= 3650))),
    CONSTRAINT vouchers_voucherplan_data_mb_check CHECK ((data_mb >= 0)),
    CONSTRAINT vouchers_voucherplan_devices_check CHECK ((devices >= 0)),
    CONSTRAINT vouchers_voucherplan_download_kbps_check CHECK ((download_kbps >= 0)),
    CONSTRAINT vouchers_voucherplan_duration_check CHECK ((duration >= 0)),
    CONSTRAINT vouchers_voucherplan_unused_days_check CHECK ((unused_days >= 0)),
    CONSTRAINT vouchers_voucherplan_upload_kbps_check CHECK ((upload_kbps >= 0))
);


--
-- Name: vouchers_voucherplan_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.vouchers_voucherplan ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.vouchers_voucherplan_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: vouchers_wifipurchase; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.vouchers_wifipurchase (
    id bigint NOT NULL,
    token character varying(43) NOT NULL,
    phone character varying(20) NOT NULL,
    mac character varying(17) NOT NULL,
    login_url character varying(500) NOT NULL,
    dst character varying(500) NOT NULL,
    price numeric(14,2) NOT NULL,
    created_at timestamp with time zone NOT NULL,
    card_id bigint,
    gateway_payment_id bigint NOT NULL,
    plan_id bigint NOT NULL,
    zone_id bigint NOT NULL,
    language character varying(2) NOT NULL
);


--
-- Name: vouchers_wifipurchase_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.vouchers_wifipurchase ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.vouchers_wifipurchase_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: vouchers_wifisignupcode; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.vouchers_wifisignupcode (
    id bigint NOT NULL,
    phone character varying(20) NOT NULL,
    code_hash character varying(128) NOT NULL,
    attempts smallint NOT NULL,
    created_at timestamp with time zone NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    used_at timestamp with time zone,
    zone_id bigint NOT NULL,
    CONSTRAINT vouchers_wifisignupcode_attempts_check CHECK ((attempts >= 0))
);


--
-- Name: vouchers_wifisignupcode_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.vouchers_wifisignupcode ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.vouchers_wifisignupcode_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: vouchers_wifizone; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.vouchers_wifizone (
    id bigint NOT NULL,
    name character varying(120) NOT NULL,
    is_active boolean NOT NULL,
    created_at timestamp with time zone NOT NULL,
    area_id bigint NOT NULL,
    router_id bigint,
    remember_mac boolean NOT NULL,
    sells_online boolean NOT NULL
);


--
-- Name: vouchers_wifizone_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.vouchers_wifizone ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.vouchers_wifizone_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: fibre_onu_hourly_default; Type: TABLE ATTACH; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fibre_onu_hourly ATTACH PARTITION public.fibre_onu_hourly_default DEFAULT;


--
-- Name: fibre_onu_sample_default; Type: TABLE ATTACH; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fibre_onu_sample ATTACH PARTITION public.fibre_onu_sample_default DEFAULT;


--
-- Name: radius_session_log_default; Type: TABLE ATTACH; Schema: public; Owner: -
--

ALTER TABLE ONLY public.radius_session_log ATTACH PARTITION public.radius_session_log_default DEFAULT;


--
-- Name: radius_session_log_p202610; Type: TABLE ATTACH; Schema: public; Owner: -
--

ALTER TABLE ONLY public.radius_session_log ATTACH PARTITION public.radius_session_log_p202610 FOR VALUES FROM ('2026-09-30 18:00:00+00') TO ('2026-10-31 18:00:00+00');


--
-- Name: radius_session_log_p202611; Type: TABLE ATTACH; Schema: public; Owner: -
--

ALTER TABLE ONLY public.radius_session_log ATTACH PARTITION public.radius_session_log_p202611 FOR VALUES FROM ('2026-10-31 18:00:00+00') TO ('2026-11-30 18:00:00+00');


--
-- Name: radius_session_log_p202612; Type: TABLE ATTACH; Schema: public; Owner: -
--

ALTER TABLE ONLY public.radius_session_log ATTACH PARTITION public.radius_session_log_p202612 FOR VALUES FROM ('2026-11-30 18:00:00+00') TO ('2026-12-31 18:00:00+00');


--
-- Name: radius_session_log_p202701; Type: TABLE ATTACH; Schema: public; Owner: -
--

ALTER TABLE ONLY public.radius_session_log ATTACH PARTITION public.radius_session_log_p202701 FOR VALUES FROM ('2026-12-31 18:00:00+00') TO ('2027-01-31 18:00:00+00');


--
-- Name: radius_session_log_p202702; Type: TABLE ATTACH; Schema: public; Owner: -
--

ALTER TABLE ONLY public.radius_session_log ATTACH PARTITION public.radius_session_log_p202702 FOR VALUES FROM ('2027-01-31 18:00:00+00') TO ('2027-02-28 18:00:00+00');


--
-- Data for Name: accounts_customersession; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.accounts_customersession (id, session_key, user_agent, ip_address, created_at, last_seen, user_id) FROM stdin;
\.


--
-- Data for Name: accounts_onetimecode; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.accounts_onetimecode (id, purpose, destination, code_hash, attempts, created_at, expires_at, used_at, customer_id) FROM stdin;
\.


--
-- Data for Name: accounts_user; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.accounts_user (id, password, last_login, is_superuser, username, first_name, last_name, email, is_staff, is_active, date_joined, kind, phone, all_branches, bangla_numerals, language) FROM stdin;
\.


--
-- Data for Name: accounts_user_branches; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.accounts_user_branches (id, user_id, branch_id) FROM stdin;
\.


--
-- Data for Name: accounts_user_groups; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.accounts_user_groups (id, user_id, group_id) FROM stdin;
\.


--
-- Data for Name: accounts_user_user_permissions; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.accounts_user_user_permissions (id, user_id, permission_id) FROM stdin;
\.


--
-- Data for Name: api_apisettings; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.api_apisettings (id, app_token_days) FROM stdin;
\.


--
-- Data for Name: api_apitoken; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.api_apitoken (id, name, kind, prefix, token_hash, scopes, all_branches, rate_per_minute, created_at, last_used_at, revoked_at, created_by_id, customer_id, user_id, expires_at, password_fingerprint) FROM stdin;
\.


--
-- Data for Name: api_apitoken_branches; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.api_apitoken_branches (id, apitoken_id, branch_id) FROM stdin;
\.


--
-- Data for Name: auth_group; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.auth_group (id, name) FROM stdin;
1	Admin
2	Manager
3	Cashier
4	Support
5	Technician supervisor
6	Technician
7	Accountant
\.


--
-- Data for Name: auth_group_permissions; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.auth_group_permissions (id, group_id, permission_id) FROM stdin;
1	1	1
2	1	2
3	1	3
4	1	4
5	1	5
6	1	6
7	1	7
8	1	8
9	1	9
10	1	10
11	1	11
12	1	12
13	1	13
14	1	14
15	1	15
16	1	16
17	1	17
18	1	18
19	1	19
20	1	20
21	1	21
22	1	22
23	1	23
24	1	24
25	1	25
26	1	26
27	1	27
28	1	28
29	1	29
30	1	30
31	1	31
32	1	32
33	1	33
34	1	34
35	1	35
36	1	36
37	1	37
38	1	38
39	1	39
40	1	40
41	1	41
42	1	42
43	1	43
44	1	44
45	1	45
46	1	46
47	1	47
48	1	48
49	1	49
50	1	50
51	1	51
52	1	52
53	1	53
54	1	54
55	1	55
56	1	56
57	1	57
58	1	58
59	1	59
60	1	60
61	1	61
62	1	62
63	1	63
64	1	64
65	1	65
66	1	66
67	1	67
68	1	68
69	1	69
70	1	70
71	1	71
72	1	72
73	1	73
74	1	74
75	1	75
76	1	76
77	1	77
78	1	78
79	1	79
80	1	80
81	1	81
82	1	82
83	1	83
84	1	84
85	1	85
86	1	86
87	1	87
88	1	88
89	1	89
90	1	90
91	1	91
92	1	92
93	1	93
94	1	94
95	1	95
96	1	96
97	1	97
98	1	98
99	1	99
100	1	100
101	1	101
102	1	102
103	1	103
104	1	104
105	1	105
106	1	106
107	1	107
108	1	108
109	1	109
110	1	110
111	1	111
112	1	112
113	1	113
114	1	114
115	1	115
116	1	116
117	1	117
118	1	118
119	1	119
120	1	120
121	1	121
122	1	122
123	1	123
124	1	124
125	1	125
126	1	126
127	1	127
128	1	128
129	1	129
130	1	130
131	1	131
132	1	132
133	1	133
134	1	134
135	1	135
136	1	136
137	1	137
138	1	138
139	1	139
140	1	140
141	1	141
142	1	142
143	1	143
144	1	144
145	1	145
146	1	146
147	1	147
148	1	148
149	1	149
150	1	150
151	1	151
152	1	152
153	1	153
154	1	154
155	1	155
156	1	156
157	1	157
158	1	158
159	1	159
160	1	160
161	1	161
162	1	162
163	1	163
164	1	164
165	1	165
166	1	166
167	1	167
168	1	168
169	1	169
170	1	170
171	1	171
172	1	172
173	1	173
174	1	174
175	1	175
176	1	176
177	1	177
178	1	178
179	1	179
180	1	180
181	1	181
182	1	182
183	1	183
184	1	184
185	1	185
186	1	186
187	1	187
188	1	188
189	1	189
190	1	190
191	1	191
192	1	192
193	1	193
194	1	194
195	1	195
196	1	196
197	1	197
198	1	198
199	1	199
200	1	200
201	1	201
202	1	202
203	1	203
204	1	204
205	1	205
206	1	206
207	1	207
208	1	208
209	1	209
210	1	210
211	1	211
212	1	212
213	1	213
214	1	214
215	1	215
216	1	216
217	1	217
218	1	218
219	1	219
220	1	220
221	1	221
222	1	222
223	1	223
224	1	224
225	1	225
226	1	226
227	1	227
228	1	228
229	1	229
230	1	230
231	1	231
232	1	232
233	1	233
234	1	234
235	1	235
236	1	236
237	1	237
238	1	238
239	1	239
240	1	240
241	1	241
242	1	242
243	1	243
244	1	244
245	1	245
246	1	246
247	1	247
248	1	248
249	1	249
250	1	250
251	1	251
252	1	252
253	1	253
254	1	254
255	1	255
256	1	256
257	1	257
258	1	258
259	1	259
260	1	260
261	1	261
262	1	262
263	1	263
264	1	264
265	1	265
266	1	266
267	1	267
268	1	268
269	1	269
270	1	270
271	1	271
272	1	272
273	1	273
274	1	274
275	1	275
276	1	276
277	1	277
278	1	278
279	1	279
280	1	280
281	1	281
282	1	282
283	1	283
284	1	284
285	1	285
286	1	286
287	1	287
288	1	288
289	1	289
290	1	290
291	1	291
292	1	292
293	1	293
294	1	294
295	1	295
296	1	296
297	1	297
298	1	298
299	1	299
300	1	300
301	1	301
302	1	302
303	1	303
304	1	304
305	1	305
306	1	306
307	1	307
308	1	308
309	1	309
310	1	310
311	1	311
312	1	312
313	1	313
314	1	314
315	1	315
316	1	316
317	1	317
318	1	318
319	1	319
320	1	320
321	1	321
322	1	322
323	1	323
324	1	324
325	1	325
326	1	326
327	1	327
328	1	328
329	1	329
330	1	330
331	1	331
332	1	332
333	1	333
334	1	334
335	1	335
336	1	336
337	1	337
338	1	338
339	1	339
340	1	340
341	1	341
342	1	342
343	1	343
344	1	344
345	1	345
346	1	346
347	1	347
348	1	348
349	1	349
350	1	350
351	1	351
352	1	352
353	1	353
354	1	354
355	1	355
356	1	356
357	1	357
358	1	358
359	1	359
360	1	360
361	1	361
362	1	362
363	1	363
364	1	364
365	1	365
366	1	366
367	1	367
368	1	368
369	1	369
370	1	370
371	1	371
372	1	372
373	1	373
374	1	374
375	1	375
376	1	376
377	1	377
378	1	378
379	1	379
380	1	380
381	1	381
382	1	382
383	1	383
384	1	384
385	1	385
386	1	386
387	1	387
388	1	388
389	1	389
390	1	390
391	1	391
392	1	392
393	1	393
394	1	394
395	1	395
396	1	396
397	1	397
398	1	398
399	1	399
400	1	400
401	1	401
402	1	402
403	1	403
404	1	404
405	1	405
406	1	406
407	1	407
408	1	408
409	1	409
410	1	410
411	1	411
412	1	412
413	1	413
414	1	414
415	1	415
416	1	416
417	1	417
418	1	418
419	1	419
420	1	420
421	1	421
422	1	422
423	1	423
424	1	424
425	1	425
426	1	426
427	1	427
428	1	428
429	1	429
430	1	430
431	1	431
432	1	432
433	1	433
434	1	434
435	1	435
436	1	436
437	1	437
438	1	438
439	1	439
440	1	440
441	1	441
442	1	442
443	1	443
444	1	444
445	1	445
446	1	446
447	1	447
448	1	448
449	1	449
450	1	450
451	1	451
452	1	452
453	1	453
454	1	454
455	1	455
456	1	456
457	1	457
458	1	458
459	1	459
460	1	460
461	1	461
462	1	462
463	1	463
464	1	464
465	1	465
466	1	466
467	1	467
468	1	468
469	1	469
470	1	470
471	1	471
472	1	472
473	1	473
474	1	474
475	1	475
476	1	476
477	1	477
478	1	478
479	1	479
480	1	480
481	1	481
482	1	482
483	1	483
484	1	484
485	1	485
486	1	486
487	1	487
488	1	488
489	1	489
490	1	490
491	1	491
492	1	492
493	1	493
494	1	494
495	1	495
496	1	496
497	1	497
498	1	498
499	1	499
500	1	500
501	1	501
502	1	502
503	1	503
504	1	504
505	1	505
506	1	506
507	1	507
508	1	508
509	1	509
510	1	510
511	1	511
512	1	512
513	1	513
514	1	514
515	1	515
516	1	516
517	1	517
518	1	518
519	1	519
520	1	520
521	1	521
522	1	522
523	1	523
524	1	524
525	1	525
526	1	526
527	1	527
528	1	528
529	1	529
530	1	530
531	1	531
532	1	532
533	1	533
534	1	534
535	1	535
536	1	536
537	1	537
538	1	538
539	1	539
540	1	540
541	1	541
542	1	542
543	1	543
544	1	544
545	1	545
546	1	546
547	1	547
548	1	548
549	1	549
550	1	550
551	1	551
552	1	552
553	1	553
554	1	554
555	1	555
556	1	556
557	1	557
558	1	558
559	1	559
560	1	560
561	1	561
562	1	562
563	1	563
564	1	564
565	1	565
566	1	566
567	1	567
568	1	568
569	1	569
570	1	570
571	1	571
572	1	572
573	1	573
574	1	574
575	1	575
576	1	576
577	1	577
578	1	578
579	1	579
580	1	580
581	1	581
582	1	582
583	1	583
584	1	584
585	1	585
586	1	586
587	1	587
588	1	588
589	1	589
590	1	590
591	1	591
592	1	592
593	1	593
594	1	594
595	1	595
596	1	596
597	1	597
598	1	598
599	1	599
600	1	600
601	1	601
602	1	602
603	1	603
604	1	604
605	1	605
606	1	606
607	1	607
608	1	608
609	1	609
610	1	610
611	1	611
612	1	612
613	1	613
614	1	614
615	1	615
616	1	616
617	1	617
618	1	618
619	1	619
620	1	620
621	1	621
622	1	622
623	1	623
624	1	624
625	1	625
626	1	626
627	1	627
628	1	628
629	1	629
630	1	630
631	1	631
632	1	632
633	1	633
634	1	634
635	1	635
636	1	636
637	1	637
638	1	638
639	1	639
640	1	640
641	1	641
642	1	642
643	1	643
644	1	644
645	1	645
646	1	646
647	1	647
648	1	648
649	1	649
650	1	650
651	1	651
652	1	652
653	1	653
654	1	654
655	1	655
656	1	656
657	1	657
658	1	658
659	1	659
660	1	660
661	1	661
662	1	662
663	1	663
664	1	664
665	1	665
666	1	666
667	1	667
668	1	668
669	1	669
670	1	670
671	1	671
672	1	672
673	1	673
674	1	674
675	1	675
676	1	676
677	1	677
678	1	678
679	1	679
680	1	680
681	1	681
682	1	682
683	1	683
684	1	684
685	1	685
686	1	686
687	1	687
688	1	688
689	1	689
690	1	690
691	1	691
692	1	692
693	1	693
694	1	694
695	1	695
696	1	696
697	1	697
698	1	698
699	1	699
700	1	700
701	1	701
702	1	702
703	1	703
704	1	704
705	2	1
706	2	2
707	2	3
708	2	4
709	2	5
710	2	6
711	2	7
712	2	8
713	2	9
714	2	10
715	2	11
716	2	12
717	2	13
718	2	14
719	2	15
720	2	16
721	2	17
722	2	18
723	2	19
724	2	20
725	2	24
726	2	25
727	2	26
728	2	27
729	2	28
730	2	29
731	2	30
732	2	31
733	2	32
734	2	33
735	2	34
736	2	35
737	2	36
738	2	37
739	2	38
740	2	39
741	2	40
742	2	41
743	2	42
744	2	43
745	2	44
746	2	45
747	2	46
748	2	47
749	2	48
750	2	49
751	2	50
752	2	51
753	2	52
754	2	53
755	2	54
756	2	55
757	2	56
758	2	57
759	2	58
760	2	59
761	2	60
762	2	61
763	2	62
764	2	63
765	2	64
766	2	65
767	2	66
768	2	67
769	2	68
770	2	69
771	2	70
772	2	71
773	2	72
774	2	73
775	2	74
776	2	75
777	2	76
778	2	77
779	2	78
780	2	79
781	2	80
782	2	81
783	2	82
784	2	83
785	2	84
786	2	85
787	2	86
788	2	87
789	2	88
790	2	89
791	2	90
792	2	91
793	2	92
794	2	93
795	2	94
796	2	95
797	2	96
798	2	97
799	2	98
800	2	99
801	2	100
802	2	101
803	2	102
804	2	103
805	2	104
806	2	105
807	2	106
808	2	107
809	2	108
810	2	109
811	2	110
812	2	111
813	2	112
814	2	113
815	2	114
816	2	115
817	2	116
818	2	117
819	2	118
820	2	119
821	2	120
822	2	121
823	2	122
824	2	123
825	2	124
826	2	125
827	2	126
828	2	127
829	2	128
830	2	129
831	2	130
832	2	131
833	2	132
834	2	133
835	2	134
836	2	135
837	2	136
838	2	137
839	2	138
840	2	139
841	2	140
842	2	141
843	2	142
844	2	143
845	2	144
846	2	145
847	2	146
848	2	147
849	2	148
850	2	149
851	2	150
852	2	151
853	2	152
854	2	153
855	2	154
856	2	155
857	2	156
858	2	157
859	2	158
860	2	159
861	2	160
862	2	161
863	2	162
864	2	163
865	2	164
866	2	165
867	2	166
868	2	167
869	2	168
870	2	169
871	2	170
872	2	171
873	2	172
874	2	173
875	2	174
876	2	175
877	2	176
878	2	177
879	2	178
880	2	179
881	2	180
882	2	181
883	2	182
884	2	183
885	2	184
886	2	185
887	2	186
888	2	187
889	2	188
890	2	189
891	2	190
892	2	191
893	2	192
894	2	193
895	2	194
896	2	195
897	2	196
898	2	197
899	2	198
900	2	199
901	2	200
902	2	201
903	2	202
904	2	203
905	2	204
906	2	205
907	2	206
908	2	207
909	2	208
910	2	209
911	2	210
912	2	211
913	2	212
914	2	213
915	2	214
916	2	215
917	2	216
918	2	217
919	2	218
920	2	219
921	2	220
922	2	221
923	2	222
924	2	223
925	2	224
926	2	225
927	2	226
928	2	227
929	2	228
930	2	229
931	2	230
932	2	231
933	2	232
934	2	233
935	2	234
936	2	235
937	2	236
938	2	237
939	2	238
940	2	239
941	2	240
942	2	241
943	2	242
944	2	243
945	2	244
946	2	245
947	2	246
948	2	247
949	2	248
950	2	249
951	2	250
952	2	251
953	2	252
954	2	253
955	2	254
956	2	255
957	2	256
958	2	257
959	2	258
960	2	259
961	2	260
962	2	261
963	2	262
964	2	263
965	2	264
966	2	265
967	2	266
968	2	267
969	2	268
970	2	269
971	2	270
972	2	271
973	2	272
974	2	273
975	2	274
976	2	275
977	2	276
978	2	277
979	2	278
980	2	279
981	2	280
982	2	281
983	2	282
984	2	283
985	2	327
986	2	351
987	2	356
988	2	366
989	2	367
990	2	368
991	2	369
992	2	370
993	2	371
994	2	372
995	2	373
996	2	374
997	2	375
998	2	376
999	2	377
1000	2	378
1001	2	383
1002	2	384
1003	2	385
1004	2	386
1005	2	387
1006	2	388
1007	2	389
1008	2	390
1009	2	391
1010	2	392
1011	2	393
1012	2	394
1013	2	395
1014	2	396
1015	2	397
1016	2	398
1017	2	399
1018	2	400
1019	2	401
1020	2	402
1021	2	403
1022	2	404
1023	2	405
1024	2	406
1025	2	407
1026	2	408
1027	2	409
1028	2	410
1029	2	411
1030	2	412
1031	2	413
1032	2	414
1033	2	415
1034	2	416
1035	2	417
1036	2	418
1037	2	419
1038	2	420
1039	2	421
1040	2	422
1041	2	423
1042	2	424
1043	2	425
1044	2	426
1045	2	427
1046	2	428
1047	2	429
1048	2	430
1049	2	431
1050	2	432
1051	2	433
1052	2	434
1053	2	435
1054	2	436
1055	2	437
1056	2	438
1057	2	439
1058	2	440
1059	2	441
1060	2	442
1061	2	443
1062	2	444
1063	2	445
1064	2	446
1065	2	447
1066	2	448
1067	2	449
1068	2	450
1069	2	451
1070	2	452
1071	2	453
1072	2	454
1073	2	455
1074	2	456
1075	2	457
1076	2	458
1077	2	459
1078	2	460
1079	2	461
1080	2	462
1081	2	463
1082	2	464
1083	2	465
1084	2	466
1085	2	467
1086	2	468
1087	2	469
1088	2	470
1089	2	471
1090	2	472
1091	2	473
1092	2	474
1093	2	475
1094	2	476
1095	2	477
1096	2	478
1097	2	479
1098	2	480
1099	2	481
1100	2	482
1101	2	483
1102	2	484
1103	2	485
1104	2	486
1105	2	487
1106	2	488
1107	2	489
1108	2	490
1109	2	491
1110	2	492
1111	2	493
1112	2	494
1113	2	495
1114	2	496
1115	2	497
1116	2	498
1117	2	499
1118	2	500
1119	2	501
1120	2	502
1121	2	503
1122	2	504
1123	2	505
1124	2	506
1125	2	507
1126	2	508
1127	2	509
1128	2	510
1129	2	511
1130	2	512
1131	2	513
1132	2	514
1133	2	515
1134	2	516
1135	2	517
1136	2	518
1137	2	519
1138	2	520
1139	2	521
1140	2	522
1141	2	523
1142	2	524
1143	2	525
1144	2	526
1145	2	527
1146	2	528
1147	2	529
1148	2	530
1149	2	531
1150	2	532
1151	2	533
1152	2	534
1153	2	535
1154	2	536
1155	2	537
1156	2	538
1157	2	539
1158	2	540
1159	2	541
1160	2	542
1161	2	543
1162	2	544
1163	2	545
1164	2	546
1165	2	547
1166	2	548
1167	2	549
1168	2	550
1169	2	551
1170	2	552
1171	2	553
1172	2	554
1173	2	555
1174	2	556
1175	2	557
1176	2	558
1177	2	559
1178	2	560
1179	2	561
1180	2	562
1181	2	563
1182	2	564
1183	2	565
1184	2	566
1185	2	567
1186	2	568
1187	2	569
1188	2	570
1189	2	571
1190	2	572
1191	2	573
1192	2	574
1193	2	575
1194	2	576
1195	2	577
1196	2	578
1197	2	579
1198	2	580
1199	2	581
1200	2	582
1201	2	583
1202	2	584
1203	2	585
1204	2	586
1205	2	587
1206	2	588
1207	2	589
1208	2	590
1209	2	591
1210	2	592
1211	2	593
1212	2	594
1213	2	595
1214	2	596
1215	2	597
1216	2	598
1217	2	599
1218	2	600
1219	2	601
1220	2	602
1221	2	603
1222	2	604
1223	2	605
1224	2	606
1225	2	607
1226	2	608
1227	2	609
1228	2	610
1229	2	611
1230	2	612
1231	2	613
1232	2	614
1233	2	615
1234	2	616
1235	2	617
1236	2	618
1237	2	619
1238	2	620
1239	2	621
1240	2	622
1241	2	623
1242	2	624
1243	2	625
1244	2	626
1245	2	627
1246	2	628
1247	2	629
1248	2	630
1249	2	631
1250	2	632
1251	2	633
1252	2	634
1253	2	635
1254	2	636
1255	2	637
1256	2	638
1257	2	639
1258	2	640
1259	2	641
1260	2	643
1261	2	644
1262	2	645
1263	2	646
1264	2	660
1265	2	661
1266	2	662
1267	2	663
1268	2	664
1269	2	665
1270	2	666
1271	2	667
1272	2	668
1273	2	669
1274	2	670
1275	2	671
1276	2	672
1277	2	673
1278	2	674
1279	2	675
1280	2	676
1281	2	677
1282	2	678
1283	2	679
1284	2	680
1285	2	681
1286	2	682
1287	2	683
1288	2	684
1289	2	685
1290	2	686
1291	2	687
1292	2	688
1293	2	689
1294	2	690
1295	2	691
1296	2	692
1297	2	693
1298	2	694
1299	2	695
1300	2	696
1301	3	416
1302	3	1
1303	3	387
1304	3	4
1305	3	391
1306	3	488
1307	3	10
1308	3	395
1309	3	496
1310	3	403
1311	3	407
1312	3	25
1313	3	475
1314	3	28
1315	3	413
1316	3	479
1317	4	387
1318	4	391
1319	4	395
1320	4	140
1321	4	145
1322	4	401
1323	4	403
1324	4	148
1325	4	274
1326	4	278
1327	4	407
1328	4	152
1329	4	409
1330	4	410
1331	4	412
1332	4	157
1333	4	158
1334	4	160
1335	4	164
1336	4	168
1337	4	571
1338	4	572
1339	4	573
1340	4	575
1341	4	576
1342	4	578
1343	4	581
1344	4	327
1345	4	99
1346	4	102
1347	4	237
1348	4	241
1349	4	373
1350	4	374
1351	5	546
1352	5	547
1353	5	548
1354	5	549
1355	5	550
1356	5	551
1357	5	552
1358	5	553
1359	5	554
1360	5	555
1361	5	556
1362	5	557
1363	5	558
1364	5	559
1365	5	575
1366	5	82
1367	5	83
1368	5	84
1369	5	85
1370	5	86
1371	5	87
1372	5	88
1373	5	89
1374	5	90
1375	5	91
1376	5	92
1377	5	93
1378	5	94
1379	5	95
1380	5	96
1381	5	97
1382	5	98
1383	5	99
1384	5	100
1385	5	101
1386	5	102
1387	5	103
1388	5	104
1389	5	105
1390	5	106
1391	5	107
1392	5	108
1393	5	109
1394	5	110
1395	5	111
1396	5	112
1397	5	113
1398	5	114
1399	5	115
1400	5	116
1401	5	117
1402	5	118
1403	5	119
1404	5	120
1405	5	121
1406	5	122
1407	5	123
1408	5	124
1409	5	125
1410	5	126
1411	5	127
1412	5	128
1413	5	129
1414	5	130
1415	5	131
1416	5	132
1417	5	161
1418	5	162
1419	5	163
1420	5	164
1421	5	165
1422	5	166
1423	5	167
1424	5	168
1425	5	169
1426	5	170
1427	5	171
1428	5	172
1429	5	173
1430	5	174
1431	5	175
1432	5	176
1433	5	177
1434	5	178
1435	5	179
1436	5	180
1437	5	181
1438	5	182
1439	5	183
1440	5	184
1441	5	185
1442	5	186
1443	5	187
1444	5	188
1445	5	189
1446	5	190
1447	5	191
1448	5	192
1449	5	193
1450	5	194
1451	5	195
1452	5	196
1453	5	197
1454	5	198
1455	5	199
1456	5	200
1457	5	201
1458	5	202
1459	5	203
1460	5	204
1461	5	205
1462	5	206
1463	5	207
1464	5	208
1465	5	209
1466	5	210
1467	5	211
1468	5	212
1469	5	213
1470	5	214
1471	5	215
1472	5	216
1473	5	217
1474	5	218
1475	5	219
1476	5	220
1477	5	221
1478	5	222
1479	5	223
1480	5	224
1481	5	225
1482	5	226
1483	5	227
1484	5	228
1485	5	229
1486	5	230
1487	5	231
1488	5	232
1489	5	233
1490	5	234
1491	5	235
1492	5	236
1493	5	237
1494	5	238
1495	5	239
1496	5	240
1497	5	241
1498	5	242
1499	5	243
1500	5	244
1501	5	245
1502	5	246
1503	5	247
1504	5	248
1505	5	249
1506	5	250
1507	5	251
1508	5	252
1509	5	253
1510	5	254
1511	5	255
1512	5	256
1513	5	257
1514	5	258
1515	5	259
1516	5	260
1517	5	261
1518	5	262
1519	5	263
1520	5	264
1521	5	265
1522	5	266
1523	5	267
1524	5	268
1525	5	269
1526	5	270
1527	5	271
1528	5	272
1529	5	273
1530	5	274
1531	5	275
1532	5	276
1533	5	277
1534	5	278
1535	5	279
1536	5	280
1537	5	281
1538	5	387
1539	5	391
1540	5	395
1541	5	403
1542	5	405
1543	5	407
1544	5	408
1545	7	387
1546	7	4
1547	7	391
1548	7	521
1549	7	10
1550	7	403
1551	7	28
1552	7	434
1553	7	435
1554	7	436
1555	7	437
1556	7	438
1557	7	439
1558	7	440
1559	7	441
1560	7	442
1561	7	443
1562	7	444
1563	7	445
1564	7	446
1565	7	447
1566	7	448
1567	7	449
1568	7	450
1569	7	451
1570	7	452
1571	7	453
1572	7	454
1573	7	455
1574	7	456
1575	7	457
1576	7	458
1577	7	459
1578	7	460
1579	7	461
1580	7	462
1581	7	463
1582	7	464
1583	7	465
1584	7	466
1585	7	467
1586	7	78
1587	7	79
1588	7	81
1589	7	475
1590	7	479
1591	7	97
1592	7	488
1593	7	72
1594	7	496
1595	7	383
\.


--
-- Data for Name: auth_permission; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.auth_permission (id, name, content_type_id, codename) FROM stdin;
1	Can add payment	1	add_payment
2	Can change payment	1	change_payment
3	Can delete payment	1	delete_payment
4	Can view payment	1	view_payment
5	Can reverse a payment	1	reverse_payment
6	Can date a receipt further back than RECEIPT_BACKDATE_DAYS	1	backdate_payment
7	Can add gateway payment	2	add_gatewaypayment
8	Can change gateway payment	2	change_gatewaypayment
9	Can delete gateway payment	2	delete_gatewaypayment
10	Can view gateway payment	2	view_gatewaypayment
11	Can refund an online payment	2	refund_gatewaypayment
12	Can approve or reject a risky online payment	2	review_gatewaypayment
13	Can add gateway event	3	add_gatewayevent
14	Can change gateway event	3	change_gatewayevent
15	Can delete gateway event	3	delete_gatewayevent
16	Can view gateway event	3	view_gatewayevent
17	Can add gateway refund	4	add_gatewayrefund
18	Can change gateway refund	4	change_gatewayrefund
19	Can delete gateway refund	4	delete_gatewayrefund
20	Can view gateway refund	4	view_gatewayrefund
21	Can add gateway settings	5	add_gatewaysettings
22	Can change gateway settings	5	change_gatewaysettings
23	Can delete gateway settings	5	delete_gatewaysettings
24	Can view gateway settings	5	view_gatewaysettings
25	Can add cash handover	6	add_cashhandover
26	Can change cash handover	6	change_cashhandover
27	Can delete cash handover	6	delete_cashhandover
28	Can view cash handover	6	view_cashhandover
29	Can add past payment	7	add_pastpayment
30	Can change past payment	7	change_pastpayment
31	Can delete past payment	7	delete_pastpayment
32	Can view past payment	7	view_pastpayment
33	Can add auto pay run	8	add_autopayrun
34	Can change auto pay run	8	change_autopayrun
35	Can delete auto pay run	8	delete_autopayrun
36	Can view auto pay run	8	view_autopayrun
37	Can add bkash settings	9	add_bkashsettings
38	Can change bkash settings	9	change_bkashsettings
39	Can delete bkash settings	9	delete_bkashsettings
40	Can view bkash settings	9	view_bkashsettings
41	Can add auto pay	10	add_autopay
42	Can change auto pay	10	change_autopay
43	Can delete auto pay	10	delete_autopay
44	Can view auto pay	10	view_autopay
45	Can add auto pay attempt	11	add_autopayattempt
46	Can change auto pay attempt	11	change_autopayattempt
47	Can delete auto pay attempt	11	delete_autopayattempt
48	Can view auto pay attempt	11	view_autopayattempt
49	Can add bkash agreement	12	add_bkashagreement
50	Can change bkash agreement	12	change_bkashagreement
51	Can delete bkash agreement	12	delete_bkashagreement
52	Can view bkash agreement	12	view_bkashagreement
53	Can add nagad settings	13	add_nagadsettings
54	Can change nagad settings	13	change_nagadsettings
55	Can delete nagad settings	13	delete_nagadsettings
56	Can view nagad settings	13	view_nagadsettings
57	Can add gateway statement	14	add_gatewaystatement
58	Can change gateway statement	14	change_gatewaystatement
59	Can delete gateway statement	14	delete_gatewaystatement
60	Can view gateway statement	14	view_gatewaystatement
61	Can add reconciliation run	15	add_reconciliationrun
62	Can change reconciliation run	15	change_reconciliationrun
63	Can delete reconciliation run	15	delete_reconciliationrun
64	Can view reconciliation run	15	view_reconciliationrun
65	Can add gateway statement line	16	add_gatewaystatementline
66	Can change gateway statement line	16	change_gatewaystatementline
67	Can delete gateway statement line	16	delete_gatewaystatementline
68	Can view gateway statement line	16	view_gatewaystatementline
69	Can add reconciliation item	17	add_reconciliationitem
70	Can change reconciliation item	17	change_reconciliationitem
71	Can delete reconciliation item	17	delete_reconciliationitem
72	Can view reconciliation item	17	view_reconciliationitem
73	Can settle, reverse or acknowledge a gateway reconciliation difference	17	settle_reconciliationitem
74	Can add queued payment	18	add_queuedpayment
75	Can change queued payment	18	change_queuedpayment
76	Can delete queued payment	18	delete_queuedpayment
77	Can view queued payment	18	view_queuedpayment
78	Can add vds deduction	19	add_vdsdeduction
79	Can change vds deduction	19	change_vdsdeduction
80	Can delete vds deduction	19	delete_vdsdeduction
81	Can view vds deduction	19	view_vdsdeduction
82	Can add checklist template	20	add_checklisttemplate
83	Can change checklist template	20	change_checklisttemplate
84	Can delete checklist template	20	delete_checklisttemplate
85	Can view checklist template	20	view_checklisttemplate
86	Can add equipment model	21	add_equipmentmodel
87	Can change equipment model	21	change_equipmentmodel
88	Can delete equipment model	21	delete_equipmentmodel
89	Can view equipment model	21	view_equipmentmodel
90	Can add checklist template item	22	add_checklisttemplateitem
91	Can change checklist template item	22	change_checklisttemplateitem
92	Can delete checklist template item	22	delete_checklisttemplateitem
93	Can view checklist template item	22	view_checklisttemplateitem
94	Can add equipment item	23	add_equipmentitem
95	Can change equipment item	23	change_equipmentitem
96	Can delete equipment item	23	delete_equipmentitem
97	Can view equipment item	23	view_equipmentitem
98	Can write off equipment	23	writeoff_equipmentitem
99	Can add work order	24	add_workorder
100	Can change work order	24	change_workorder
101	Can delete work order	24	delete_workorder
102	Can view work order	24	view_workorder
103	Can schedule and assign work orders	24	dispatch_workorder
104	Can complete an installation without the online check	24	override_workorder
105	Can add sync operation	25	add_syncoperation
106	Can change sync operation	25	change_syncoperation
107	Can delete sync operation	25	delete_syncoperation
108	Can view sync operation	25	view_syncoperation
109	Can add equipment movement	26	add_equipmentmovement
110	Can change equipment movement	26	change_equipmentmovement
111	Can delete equipment movement	26	delete_equipmentmovement
112	Can view equipment movement	26	view_equipmentmovement
113	Can add checklist item	27	add_checklistitem
114	Can change checklist item	27	change_checklistitem
115	Can delete checklist item	27	delete_checklistitem
116	Can view checklist item	27	view_checklistitem
117	Can add work order event	28	add_workorderevent
118	Can change work order event	28	change_workorderevent
119	Can delete work order event	28	delete_workorderevent
120	Can view work order event	28	view_workorderevent
121	Can add work order photo	29	add_workorderphoto
122	Can change work order photo	29	change_workorderphoto
123	Can delete work order photo	29	delete_workorderphoto
124	Can view work order photo	29	view_workorderphoto
125	Can add equipment rental	30	add_equipmentrental
126	Can change equipment rental	30	change_equipmentrental
127	Can delete equipment rental	30	delete_equipmentrental
128	Can view equipment rental	30	view_equipmentrental
129	Can add equipment rental charge	31	add_equipmentrentalcharge
130	Can change equipment rental charge	31	change_equipmentrentalcharge
131	Can delete equipment rental charge	31	delete_equipmentrentalcharge
132	Can view equipment rental charge	31	view_equipmentrentalcharge
133	Can add churn model	32	add_churnmodel
134	Can change churn model	32	change_churnmodel
135	Can delete churn model	32	delete_churnmodel
136	Can view churn model	32	view_churnmodel
137	Can add churn risk	33	add_churnrisk
138	Can change churn risk	33	change_churnrisk
139	Can delete churn risk	33	delete_churnrisk
140	Can view churn risk	33	view_churnrisk
141	Can add gemini settings	34	add_geminisettings
142	Can change gemini settings	34	change_geminisettings
143	Can delete gemini settings	34	delete_geminisettings
144	Can view gemini settings	34	view_geminisettings
145	Can add retention field check	35	add_retentionfieldcheck
146	Can change retention field check	35	change_retentionfieldcheck
147	Can delete retention field check	35	delete_retentionfieldcheck
148	Can view retention field check	35	view_retentionfieldcheck
149	Can add retention offer	36	add_retentionoffer
150	Can change retention offer	36	change_retentionoffer
151	Can delete retention offer	36	delete_retentionoffer
152	Can view retention offer	36	view_retentionoffer
153	Can add retention offer credit	37	add_retentionoffercredit
154	Can change retention offer credit	37	change_retentionoffercredit
155	Can delete retention offer credit	37	delete_retentionoffercredit
156	Can view retention offer credit	37	view_retentionoffercredit
157	Can add retention call task	38	add_retentioncalltask
158	Can change retention call task	38	change_retentioncalltask
159	Can delete retention call task	38	delete_retentioncalltask
160	Can view retention call task	38	view_retentioncalltask
161	Can add olt	39	add_olt
162	Can change olt	39	change_olt
163	Can delete olt	39	delete_olt
164	Can view olt	39	view_olt
165	Can add onu	40	add_onu
166	Can change onu	40	change_onu
167	Can delete onu	40	delete_onu
168	Can view onu	40	view_onu
169	Can add onu daily	41	add_onudaily
170	Can change onu daily	41	change_onudaily
171	Can delete onu daily	41	delete_onudaily
172	Can view onu daily	41	view_onudaily
173	Can add onu hourly	42	add_onuhourly
174	Can change onu hourly	42	change_onuhourly
175	Can delete onu hourly	42	delete_onuhourly
176	Can view onu hourly	42	view_onuhourly
177	Can add onu sample	43	add_onusample
178	Can change onu sample	43	change_onusample
179	Can delete onu sample	43	delete_onusample
180	Can view onu sample	43	view_onusample
181	Can add onu status event	44	add_onustatusevent
182	Can change onu status event	44	change_onustatusevent
183	Can delete onu status event	44	delete_onustatusevent
184	Can view onu status event	44	view_onustatusevent
185	Can add pon port	45	add_ponport
186	Can change pon port	45	change_ponport
187	Can delete pon port	45	delete_ponport
188	Can view pon port	45	view_ponport
189	Can add fibre incident	46	add_fibreincident
190	Can change fibre incident	46	change_fibreincident
191	Can delete fibre incident	46	delete_fibreincident
192	Can view fibre incident	46	view_fibreincident
193	Can add signal threshold	47	add_signalthreshold
194	Can change signal threshold	47	change_signalthreshold
195	Can delete signal threshold	47	delete_signalthreshold
196	Can view signal threshold	47	view_signalthreshold
197	Can add fibre settings	48	add_fibresettings
198	Can change fibre settings	48	change_fibresettings
199	Can delete fibre settings	48	delete_fibresettings
200	Can view fibre settings	48	view_fibresettings
201	Can add router	49	add_router
202	Can change router	49	change_router
203	Can delete router	49	delete_router
204	Can view router	49	view_router
205	Can add drift report	50	add_driftreport
206	Can change drift report	50	change_driftreport
207	Can delete drift report	50	delete_driftreport
208	Can view drift report	50	view_driftreport
209	Can add provisioning task	51	add_provisioningtask
210	Can change provisioning task	51	change_provisioningtask
211	Can delete provisioning task	51	delete_provisioningtask
212	Can view provisioning task	51	view_provisioningtask
213	Can add usage poll	52	add_usagepoll
214	Can change usage poll	52	change_usagepoll
215	Can delete usage poll	52	delete_usagepoll
216	Can view usage poll	52	view_usagepoll
217	Can add fup state	53	add_fupstate
218	Can change fup state	53	change_fupstate
219	Can delete fup state	53	delete_fupstate
220	Can view fup state	53	view_fupstate
221	Can lift a subscription's fair-usage throttling	53	lift_fup
222	Can add usage daily	54	add_usagedaily
223	Can change usage daily	54	change_usagedaily
224	Can delete usage daily	54	delete_usagedaily
225	Can view usage daily	54	view_usagedaily
226	Can add usage hourly	55	add_usagehourly
227	Can change usage hourly	55	change_usagehourly
228	Can delete usage hourly	55	delete_usagehourly
229	Can view usage hourly	55	view_usagehourly
230	Can add usage sample	56	add_usagesample
231	Can change usage sample	56	change_usagesample
232	Can delete usage sample	56	delete_usagesample
233	Can view usage sample	56	view_usagesample
234	Can add outage	57	add_outage
235	Can change outage	57	change_outage
236	Can delete outage	57	delete_outage
237	Can view outage	57	view_outage
238	Can add outage update	58	add_outageupdate
239	Can change outage update	58	change_outageupdate
240	Can delete outage update	58	delete_outageupdate
241	Can view outage update	58	view_outageupdate
242	Can add router down period	59	add_routerdownperiod
243	Can change router down period	59	change_routerdownperiod
244	Can delete router down period	59	delete_routerdownperiod
245	Can view router down period	59	view_routerdownperiod
246	Can add outage broadcast	60	add_outagebroadcast
247	Can change outage broadcast	60	change_outagebroadcast
248	Can delete outage broadcast	60	delete_outagebroadcast
249	Can view outage broadcast	60	view_outagebroadcast
250	Can add speed destination	61	add_speeddestination
251	Can change speed destination	61	change_speeddestination
252	Can delete speed destination	61	delete_speeddestination
253	Can view speed destination	61	view_speeddestination
254	Can add speed boundary run	62	add_speedboundaryrun
255	Can change speed boundary run	62	change_speedboundaryrun
256	Can delete speed boundary run	62	delete_speedboundaryrun
257	Can view speed boundary run	62	view_speedboundaryrun
258	Can add address pool	63	add_addresspool
259	Can change address pool	63	change_addresspool
260	Can delete address pool	63	delete_addresspool
261	Can view address pool	63	view_addresspool
262	Can manage address pools and assign addresses	63	manage_addresses
263	Can add address assignment	64	add_addressassignment
264	Can change address assignment	64	change_addressassignment
265	Can delete address assignment	64	delete_addressassignment
266	Can view address assignment	64	view_addressassignment
267	Can add package RADIUS attributes	65	add_packageradius
268	Can change package RADIUS attributes	65	change_packageradius
269	Can delete package RADIUS attributes	65	delete_packageradius
270	Can view package RADIUS attributes	65	view_packageradius
271	Can add auth attempt	66	add_authattempt
272	Can change auth attempt	66	change_authattempt
273	Can delete auth attempt	66	delete_authattempt
274	Can view auth attempt	66	view_authattempt
275	Can add session	67	add_session
276	Can change session	67	change_session
277	Can delete session	67	delete_session
278	Can view session	67	view_session
279	Can add session log	68	add_sessionlog
280	Can change session log	68	change_sessionlog
281	Can delete session log	68	delete_sessionlog
282	Can view session log	68	view_sessionlog
283	Can export session logs (CSV)	68	export_sessionlog
284	Can add log entry	69	add_logentry
285	Can change log entry	69	change_logentry
286	Can delete log entry	69	delete_logentry
287	Can view log entry	69	view_logentry
288	Can add permission	70	add_permission
289	Can change permission	70	change_permission
290	Can delete permission	70	delete_permission
291	Can view permission	70	view_permission
292	Can add group	71	add_group
293	Can change group	71	change_group
294	Can delete group	71	delete_group
295	Can view group	71	view_group
296	Can add content type	72	add_contenttype
297	Can change content type	72	change_contenttype
298	Can delete content type	72	delete_contenttype
299	Can view content type	72	view_contenttype
300	Can add session	73	add_session
301	Can change session	73	change_session
302	Can delete session	73	delete_session
303	Can view session	73	view_session
304	Can add access attempt	74	add_accessattempt
305	Can change access attempt	74	change_accessattempt
306	Can delete access attempt	74	delete_accessattempt
307	Can view access attempt	74	view_accessattempt
308	Can add access log	75	add_accesslog
309	Can change access log	75	change_accesslog
310	Can delete access log	75	delete_accesslog
311	Can view access log	75	view_accesslog
312	Can add access failure	76	add_accessfailurelog
313	Can change access failure	76	change_accessfailurelog
314	Can delete access failure	76	delete_accessfailurelog
315	Can view access failure	76	view_accessfailurelog
316	Can add access attempt expiration	77	add_accessattemptexpiration
317	Can change access attempt expiration	77	change_accessattemptexpiration
318	Can delete access attempt expiration	77	delete_accessattemptexpiration
319	Can view access attempt expiration	77	view_accessattemptexpiration
320	Can add number sequence	78	add_numbersequence
321	Can change number sequence	78	change_numbersequence
322	Can delete number sequence	78	delete_numbersequence
323	Can view number sequence	78	view_numbersequence
324	Can add audit log	79	add_auditlog
325	Can change audit log	79	change_auditlog
326	Can delete audit log	79	delete_auditlog
327	Can view audit log	79	view_auditlog
328	Can add rate limit counter	80	add_ratelimitcounter
329	Can change rate limit counter	80	change_ratelimitcounter
330	Can delete rate limit counter	80	delete_ratelimitcounter
331	Can view rate limit counter	80	view_ratelimitcounter
332	Can add webhook delivery	81	add_webhookdelivery
333	Can change webhook delivery	81	change_webhookdelivery
334	Can delete webhook delivery	81	delete_webhookdelivery
335	Can view webhook delivery	81	view_webhookdelivery
336	Can add webhook attempt	82	add_webhookattempt
337	Can change webhook attempt	82	change_webhookattempt
338	Can delete webhook attempt	82	delete_webhookattempt
339	Can view webhook attempt	82	view_webhookattempt
340	Can add webhook endpoint	83	add_webhookendpoint
341	Can change webhook endpoint	83	change_webhookendpoint
342	Can delete webhook endpoint	83	delete_webhookendpoint
343	Can view webhook endpoint	83	view_webhookendpoint
344	Can add job watch	84	add_jobwatch
345	Can change job watch	84	change_jobwatch
346	Can delete job watch	84	delete_jobwatch
347	Can view job watch	84	view_jobwatch
348	Can add job run	85	add_jobrun
349	Can change job run	85	change_jobrun
350	Can delete job run	85	delete_jobrun
351	Can view job run	85	view_jobrun
352	Can run a job again	85	rerun_jobrun
353	Can add user	86	add_user
354	Can change user	86	change_user
355	Can delete user	86	delete_user
356	Can view user	86	view_user
357	Can edit roles and their permissions	86	manage_roles
358	Can add customer session	87	add_customersession
359	Can change customer session	87	change_customersession
360	Can delete customer session	87	delete_customersession
361	Can view customer session	87	view_customersession
362	Can add one time code	88	add_onetimecode
363	Can change one time code	88	change_onetimecode
364	Can delete one time code	88	delete_onetimecode
365	Can view one time code	88	view_onetimecode
366	Can add message template	89	add_messagetemplate
367	Can change message template	89	change_messagetemplate
368	Can delete message template	89	delete_messagetemplate
369	Can view message template	89	view_messagetemplate
370	Can add message	90	add_message
371	Can change message	90	change_message
372	Can delete message	90	delete_message
373	Can view message	90	view_message
374	Can retry failed messages	90	retry_message
375	Can add notification preference	91	add_notificationpreference
376	Can change notification preference	91	change_notificationpreference
377	Can delete notification preference	91	delete_notificationpreference
378	Can view notification preference	91	view_notificationpreference
379	Can add daily metric	92	add_dailymetric
380	Can change daily metric	92	change_dailymetric
381	Can delete daily metric	92	delete_dailymetric
382	Can view daily metric	92	view_dailymetric
383	Can view business analytics, staff performance and their exports	92	view_analytics
384	Can add branch	93	add_branch
385	Can change branch	93	change_branch
386	Can delete branch	93	delete_branch
387	Can view branch	93	view_branch
388	Can add area	94	add_area
389	Can change area	94	change_area
390	Can delete area	94	delete_area
391	Can view area	94	view_area
392	Can add package	95	add_package
393	Can change package	95	change_package
394	Can delete package	95	delete_package
395	Can view package	95	view_package
396	Can add package speed window	96	add_packagespeedwindow
397	Can change package speed window	96	change_packagespeedwindow
398	Can delete package speed window	96	delete_packagespeedwindow
399	Can view package speed window	96	view_packagespeedwindow
400	Can add customer	97	add_customer
401	Can change customer	97	change_customer
402	Can delete customer	97	delete_customer
403	Can view customer	97	view_customer
404	Can add subscription	99	add_subscription
405	Can change subscription	99	change_subscription
406	Can delete subscription	99	delete_subscription
407	Can view subscription	99	view_subscription
408	Can activate, suspend, reactivate and cancel subscriptions	99	lifecycle_subscription
409	Can add lead	100	add_lead
410	Can change lead	100	change_lead
411	Can delete lead	100	delete_lead
412	Can view lead	100	view_lead
413	Can add call log	101	add_calllog
414	Can change call log	101	change_calllog
415	Can delete call log	101	delete_calllog
416	Can view call log	101	view_calllog
417	Can add referral settings	102	add_referralsettings
418	Can change referral settings	102	change_referralsettings
419	Can delete referral settings	102	delete_referralsettings
420	Can view referral settings	102	view_referralsettings
421	Can add referral	103	add_referral
422	Can change referral	103	change_referral
423	Can delete referral	103	delete_referral
424	Can view referral	103	view_referral
425	Can reverse a referral credit	103	reverse_referralcredit
426	Can add referral credit	104	add_referralcredit
427	Can change referral credit	104	change_referralcredit
428	Can delete referral credit	104	delete_referralcredit
429	Can view referral credit	104	view_referralcredit
430	Can add speed test result	105	add_speedtestresult
431	Can change speed test result	105	change_speedtestresult
432	Can delete speed test result	105	delete_speedtestresult
433	Can view speed test result	105	view_speedtestresult
434	Can add ledger account	106	add_ledgeraccount
435	Can change ledger account	106	change_ledgeraccount
436	Can delete ledger account	106	delete_ledgeraccount
437	Can view ledger account	106	view_ledgeraccount
438	Can add journal entry	107	add_journalentry
439	Can change journal entry	107	change_journalentry
440	Can delete journal entry	107	delete_journalentry
441	Can view journal entry	107	view_journalentry
442	Can add journal line	108	add_journalline
443	Can change journal line	108	change_journalline
444	Can delete journal line	108	delete_journalline
445	Can view journal line	108	view_journalline
446	Can add supplier	109	add_supplier
447	Can change supplier	109	change_supplier
448	Can delete supplier	109	delete_supplier
449	Can view supplier	109	view_supplier
450	Can add bank account	110	add_bankaccount
451	Can change bank account	110	change_bankaccount
452	Can delete bank account	110	delete_bankaccount
453	Can view bank account	110	view_bankaccount
454	Can add bill	111	add_bill
455	Can change bill	111	change_bill
456	Can delete bill	111	delete_bill
457	Can view bill	111	view_bill
458	Can approve a bill above the approval limit	111	approve_bill
459	Can record a bill paid	111	pay_bill
460	Can add bill payment	112	add_billpayment
461	Can change bill payment	112	change_billpayment
462	Can delete bill payment	112	delete_billpayment
463	Can view bill payment	112	view_billpayment
464	Can add bank movement	113	add_bankmovement
465	Can change bank movement	113	change_bankmovement
466	Can delete bank movement	113	delete_bankmovement
467	Can view bank movement	113	view_bankmovement
468	Can add billing settings	114	add_billingsettings
469	Can change billing settings	114	change_billingsettings
470	Can delete billing settings	114	delete_billingsettings
471	Can view billing settings	114	view_billingsettings
472	Can add account	115	add_account
473	Can change account	115	change_account
474	Can delete account	115	delete_account
475	Can view account	115	view_account
476	Can add billing run	116	add_billingrun
477	Can change billing run	116	change_billingrun
478	Can delete billing run	116	delete_billingrun
479	Can view billing run	116	view_billingrun
480	Can start and preview billing runs	116	start_billingrun
481	Can add billing run chunk	117	add_billingrunchunk
482	Can change billing run chunk	117	change_billingrunchunk
483	Can delete billing run chunk	117	delete_billingrunchunk
484	Can view billing run chunk	117	view_billingrunchunk
485	Can add invoice	118	add_invoice
486	Can change invoice	118	change_invoice
487	Can delete invoice	118	delete_invoice
488	Can view invoice	118	view_invoice
489	Can add invoice line	119	add_invoiceline
490	Can change invoice line	119	change_invoiceline
491	Can delete invoice line	119	delete_invoiceline
492	Can view invoice line	119	view_invoiceline
493	Can add ledger entry	120	add_ledgerentry
494	Can change ledger entry	120	change_ledgerentry
495	Can delete ledger entry	120	delete_ledgerentry
496	Can view ledger entry	120	view_ledgerentry
497	Can add credited days	121	add_crediteddays
498	Can change credited days	121	change_crediteddays
499	Can delete credited days	121	delete_crediteddays
500	Can view credited days	121	view_crediteddays
501	Can add line credit	122	add_linecredit
502	Can change line credit	122	change_linecredit
503	Can delete line credit	122	delete_linecredit
504	Can view line credit	122	view_linecredit
505	Can add allocation	123	add_allocation
506	Can change allocation	123	change_allocation
507	Can delete allocation	123	delete_allocation
508	Can view allocation	123	view_allocation
509	Can add package change	124	add_packagechange
510	Can change package change	124	change_packagechange
511	Can delete package change	124	delete_packagechange
512	Can view package change	124	view_packagechange
513	Can approve, reject and make package changes	124	decide_packagechange
514	Can add one time charge	125	add_onetimecharge
515	Can change one time charge	125	change_onetimecharge
516	Can delete one time charge	125	delete_onetimecharge
517	Can view one time charge	125	view_onetimecharge
518	Can add credit note	126	add_creditnote
519	Can change credit note	126	change_creditnote
520	Can delete credit note	126	delete_creditnote
521	Can view credit note	126	view_creditnote
522	Can add debit note	127	add_debitnote
523	Can change debit note	127	change_debitnote
524	Can delete debit note	127	delete_debitnote
525	Can view debit note	127	view_debitnote
526	Can add reseller wallet	128	add_resellerwallet
527	Can change reseller wallet	128	change_resellerwallet
528	Can delete reseller wallet	128	delete_resellerwallet
529	Can view reseller wallet	128	view_resellerwallet
530	Can add wallet entry	129	add_walletentry
531	Can change wallet entry	129	change_walletentry
532	Can delete wallet entry	129	delete_walletentry
533	Can view wallet entry	129	view_walletentry
534	Can add commission entry	130	add_commissionentry
535	Can change commission entry	130	change_commissionentry
536	Can delete commission entry	130	delete_commissionentry
537	Can view commission entry	130	view_commissionentry
538	Can add card sale	131	add_cardsale
539	Can change card sale	131	change_cardsale
540	Can delete card sale	131	delete_cardsale
541	Can view card sale	131	view_cardsale
542	Can add card sale refund	132	add_cardsalerefund
543	Can change card sale refund	132	change_cardsalerefund
544	Can delete card sale refund	132	delete_cardsalerefund
545	Can view card sale refund	132	view_cardsalerefund
546	Can disconnect an online session	67	disconnect_session
547	Can test a login against RADIUS	67	test_login
548	Can add bad secret drop	133	add_badsecretdrop
549	Can change bad secret drop	133	change_badsecretdrop
550	Can delete bad secret drop	133	delete_badsecretdrop
551	Can view bad secret drop	133	view_badsecretdrop
552	Can add servers pushed	135	add_serverspushed
553	Can change servers pushed	135	change_serverspushed
554	Can delete servers pushed	135	delete_serverspushed
555	Can view servers pushed	135	view_serverspushed
556	Can add fibre incident ticket	136	add_fibreincidentticket
557	Can change fibre incident ticket	136	change_fibreincidentticket
558	Can delete fibre incident ticket	136	delete_fibreincidentticket
559	Can view fibre incident ticket	136	view_fibreincidentticket
560	Can add support settings	137	add_supportsettings
561	Can change support settings	137	change_supportsettings
562	Can delete support settings	137	delete_supportsettings
563	Can view support settings	137	view_supportsettings
564	Can add holiday	138	add_holiday
565	Can change holiday	138	change_holiday
566	Can delete holiday	138	delete_holiday
567	Can view holiday	138	view_holiday
568	Can add SLA policy	139	add_slapolicy
569	Can change SLA policy	139	change_slapolicy
570	Can delete SLA policy	139	delete_slapolicy
571	Can view SLA policy	139	view_slapolicy
572	Can add ticket	140	add_ticket
573	Can change ticket	140	change_ticket
574	Can delete ticket	140	delete_ticket
575	Can view ticket	140	view_ticket
576	Can assign tickets	140	assign_ticket
577	Can view the SLA dashboard and reports	140	view_sla_reports
578	Can add ticket comment	141	add_ticketcomment
579	Can change ticket comment	141	change_ticketcomment
580	Can delete ticket comment	141	delete_ticketcomment
581	Can view ticket comment	141	view_ticketcomment
582	Can add survey	142	add_survey
583	Can change survey	142	change_survey
584	Can delete survey	142	delete_survey
585	Can view survey	142	view_survey
586	Can add reseller	143	add_reseller
587	Can change reseller	143	change_reseller
588	Can delete reseller	143	delete_reseller
589	Can view reseller	143	view_reseller
590	Can top up and adjust reseller wallets	143	topup_reseller
591	Can approve reseller payouts	143	approve_payout
592	Can add reseller login	144	add_resellerlogin
593	Can change reseller login	144	change_resellerlogin
594	Can delete reseller login	144	delete_resellerlogin
595	Can view reseller login	144	view_resellerlogin
596	Can add reseller package	145	add_resellerpackage
597	Can change reseller package	145	change_resellerpackage
598	Can delete reseller package	145	delete_resellerpackage
599	Can view reseller package	145	view_resellerpackage
600	Can add commission rule	146	add_commissionrule
601	Can change commission rule	146	change_commissionrule
602	Can delete commission rule	146	delete_commissionrule
603	Can view commission rule	146	view_commissionrule
604	Can add commission statement	147	add_commissionstatement
605	Can change commission statement	147	change_commissionstatement
606	Can delete commission statement	147	delete_commissionstatement
607	Can view commission statement	147	view_commissionstatement
608	Can add payout	148	add_payout
609	Can change payout	148	change_payout
610	Can delete payout	148	delete_payout
611	Can view payout	148	view_payout
612	Can add renewal	149	add_renewal
613	Can change renewal	149	change_renewal
614	Can delete renewal	149	delete_renewal
615	Can view renewal	149	view_renewal
616	Can add contract template	150	add_contracttemplate
617	Can change contract template	150	change_contracttemplate
618	Can delete contract template	150	delete_contracttemplate
619	Can view contract template	150	view_contracttemplate
620	Can add contract	151	add_contract
621	Can change contract	151	change_contract
622	Can delete contract	151	delete_contract
623	Can view contract	151	view_contract
624	Can send, resend and void contracts	151	send_contract
625	Can waive an early-termination fee	151	waive_fee_contract
626	Can add signature	152	add_signature
627	Can change signature	152	change_signature
628	Can delete signature	152	delete_signature
629	Can view signature	152	view_signature
630	Can add contract event	153	add_contractevent
631	Can change contract event	153	change_contractevent
632	Can delete contract event	153	delete_contractevent
633	Can view contract event	153	view_contractevent
634	Can add contract rule	154	add_contractrule
635	Can change contract rule	154	change_contractrule
636	Can delete contract rule	154	delete_contractrule
637	Can view contract rule	154	view_contractrule
638	Can add signing session	155	add_signingsession
639	Can change signing session	155	change_signingsession
640	Can delete signing session	155	delete_signingsession
641	Can view signing session	155	view_signingsession
642	Can train a churn model now	32	train_churnmodel
643	Can add usage window	156	add_usagewindow
644	Can change usage window	156	change_usagewindow
645	Can delete usage window	156	delete_usagewindow
646	Can view usage window	156	view_usagewindow
647	Can add import profile	157	add_importprofile
648	Can change import profile	157	change_importprofile
649	Can delete import profile	157	delete_importprofile
650	Can view import profile	157	view_importprofile
651	Can add import batch	158	add_importbatch
652	Can change import batch	158	change_importbatch
653	Can delete import batch	158	delete_importbatch
654	Can view import batch	158	view_importbatch
655	Can import customers and export all data	158	run_import
656	Can add import row	159	add_importrow
657	Can change import row	159	change_importrow
658	Can delete import row	159	delete_importrow
659	Can view import row	159	view_importrow
660	Can add wifi zone	160	add_wifizone
661	Can change wifi zone	160	change_wifizone
662	Can delete wifi zone	160	delete_wifizone
663	Can view wifi zone	160	view_wifizone
664	Can add voucher plan	161	add_voucherplan
665	Can change voucher plan	161	change_voucherplan
666	Can delete voucher plan	161	delete_voucherplan
667	Can view voucher plan	161	view_voucherplan
668	Can add voucher batch	162	add_voucherbatch
669	Can change voucher batch	162	change_voucherbatch
670	Can delete voucher batch	162	delete_voucherbatch
671	Can view voucher batch	162	view_voucherbatch
672	Can issue card batches to distributors	162	issue_voucherbatch
673	Can add batch codes	163	add_batchcodes
674	Can change batch codes	163	change_batchcodes
675	Can delete batch codes	163	delete_batchcodes
676	Can view batch codes	163	view_batchcodes
677	Can add voucher card	164	add_vouchercard
678	Can change voucher card	164	change_vouchercard
679	Can delete voucher card	164	delete_vouchercard
680	Can view voucher card	164	view_vouchercard
681	Can add card login key	165	add_cardloginkey
682	Can change card login key	165	change_cardloginkey
683	Can delete card login key	165	delete_cardloginkey
684	Can view card login key	165	view_cardloginkey
685	Can add card session	166	add_cardsession
686	Can change card session	166	change_cardsession
687	Can delete card session	166	delete_cardsession
688	Can view card session	166	view_cardsession
689	Can add wifi signup code	167	add_wifisignupcode
690	Can change wifi signup code	167	change_wifisignupcode
691	Can delete wifi signup code	167	delete_wifisignupcode
692	Can view wifi signup code	167	view_wifisignupcode
693	Can add wifi purchase	168	add_wifipurchase
694	Can change wifi purchase	168	change_wifipurchase
695	Can delete wifi purchase	168	delete_wifipurchase
696	Can view wifi purchase	168	view_wifipurchase
697	Can add api token	169	add_apitoken
698	Can change api token	169	change_apitoken
699	Can delete api token	169	delete_apitoken
700	Can view api token	169	view_apitoken
701	Can add api settings	170	add_apisettings
702	Can change api settings	170	change_apisettings
703	Can delete api settings	170	delete_apisettings
704	Can view api settings	170	view_apisettings
\.


--
-- Data for Name: axes_accessattempt; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.axes_accessattempt (id, user_agent, ip_address, username, http_accept, path_info, attempt_time, get_data, post_data, failures_since_start) FROM stdin;
\.


--
-- Data for Name: axes_accessattemptexpiration; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.axes_accessattemptexpiration (access_attempt_id, expires_at) FROM stdin;
\.


--
-- Data for Name: axes_accessfailurelog; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.axes_accessfailurelog (id, user_agent, ip_address, username, http_accept, path_info, attempt_time, locked_out) FROM stdin;
\.


--
-- Data for Name: axes_accesslog; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.axes_accesslog (id, user_agent, ip_address, username, http_accept, path_info, attempt_time, logout_time, session_hash) FROM stdin;
\.


--
-- Data for Name: billing_account; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.billing_account (id, balance, updated_at, customer_id) FROM stdin;
\.


--
-- Data for Name: billing_allocation; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.billing_allocation (id, amount, created_at, payment_id, invoice_id) FROM stdin;
\.


--
-- Data for Name: billing_billingrun; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.billing_billingrun (id, run_date, dry_run, status, started_at, finished_at, chunks_total, chunks_done, issued, overdue, late_fees, suspended, failed, errors, started_by_id, chunks_failed, issued_total) FROM stdin;
\.


--
-- Data for Name: billing_billingrunchunk; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.billing_billingrunchunk (id, first_id, last_id, status, issued, issued_total, sample, error, finished_at, run_id) FROM stdin;
\.


--
-- Data for Name: billing_billingsettings; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.billing_billingsettings (id, mode, allowed_anchor_days, default_anchor_day, issue_days_before, due_days, grace_days, vat_rate, prices_include_vat, vat_registration_number, late_fee, reconnection_fee, credit_unused_days_on_cancel, downgrade_at_next_cycle, isp_name, isp_address, isp_phone, isp_email, logo, currency, rent_during_pause, blocked_access, walled_garden_pool, session_log_retention_months, card_guess_device_limit, card_guess_window_minutes, card_guess_zone_limit, card_lockout_minutes, invoice_at_activation) FROM stdin;
\.


--
-- Data for Name: billing_cardsale; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.billing_cardsale (id, amount, price, fee, fee_passed, method, reference, idempotency_key, received_at, memo, created_at) FROM stdin;
\.


--
-- Data for Name: billing_cardsalerefund; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.billing_cardsalerefund (id, amount, price, reference, idempotency_key, refunded_at, memo, created_at, sale_id) FROM stdin;
\.


--
-- Data for Name: billing_commissionentry; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.billing_commissionentry (id, kind, amount, period, base_amount, rate, memo, created_at, created_by_id, payment_id, subscription_id, wallet_id) FROM stdin;
\.


--
-- Data for Name: billing_crediteddays; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.billing_crediteddays (id, first_day, last_day, created_at, entry_id, line_id) FROM stdin;
\.


--
-- Data for Name: billing_creditnote; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.billing_creditnote (id, number, amount, reason, created_at, created_by_id, customer_id, entry_id, invoice_id, challan_number) FROM stdin;
\.


--
-- Data for Name: billing_debitnote; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.billing_debitnote (id, number, net, vat, amount, reason, created_at, challan_number, charge_id, created_by_id, customer_id, entry_id, invoice_id) FROM stdin;
\.


--
-- Data for Name: billing_invoice; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.billing_invoice (id, number, status, issue_date, due_date, subtotal, vat_total, total, vat_rate, amount_paid, late_fee_applied, void_reason, created_at, billing_run_id, customer_id, challan_number) FROM stdin;
\.


--
-- Data for Name: billing_invoiceline; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.billing_invoiceline (id, kind, description, period_start, period_end, net, vat, gross, invoice_id, subscription_id) FROM stdin;
\.


--
-- Data for Name: billing_ledgerentry; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.billing_ledgerentry (id, kind, amount, memo, effective_date, created_at, account_id, created_by_id, invoice_id, payment_id, reverses_id) FROM stdin;
\.


--
-- Data for Name: billing_linecredit; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.billing_linecredit (id, amount, reason, created_at, line_id) FROM stdin;
\.


--
-- Data for Name: billing_onetimecharge; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.billing_onetimecharge (id, kind, description, amount, status, cancel_reason, created_at, created_by_id, customer_id, invoice_id, subscription_id) FROM stdin;
\.


--
-- Data for Name: billing_packagechange; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.billing_packagechange (id, source, requested_at, note, status, effective_mode, effective_date, decided_at, decision_note, credit, charge, vat, total, adjust_through, applied_at, credit_entry_id, decided_by_id, from_package_id, invoice_id, requested_by_id, subscription_id, to_package_id) FROM stdin;
\.


--
-- Data for Name: billing_resellerwallet; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.billing_resellerwallet (id, balance, credit_limit, commission_owed, alert_level, commission_closed_through, updated_at, reseller_id) FROM stdin;
\.


--
-- Data for Name: billing_walletentry; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.billing_walletentry (id, kind, amount, balance_after, period_start, period_end, idempotency_key, method, reference, memo, created_at, created_by_id, reverses_id, subscription_id, wallet_id) FROM stdin;
\.


--
-- Data for Name: books_bankaccount; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.books_bankaccount (id, name, bank, number, created_at, ledger_account_id) FROM stdin;
\.


--
-- Data for Name: books_bankmovement; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.books_bankmovement (id, kind, amount, date, reference, created_at, created_by_id, from_bank_id, from_branch_id, to_bank_id, gateway) FROM stdin;
\.


--
-- Data for Name: books_bill; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.books_bill (id, number, supplier_reference, category, bill_date, description, net, vat, status, created_at, approved_at, paid_from, paid_on, payment_reference, attachment, attachment_name, attachment_type, equipment_model, equipment_serials, approved_by_id, branch_id, created_by_id, paid_bank_id, paid_by_id, supplier_id, amount_paid) FROM stdin;
\.


--
-- Data for Name: books_billpayment; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.books_billpayment (id, amount, paid_from, paid_on, reference, created_at, bank_id, bill_id, paid_by_id) FROM stdin;
\.


--
-- Data for Name: books_journalentry; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.books_journalentry (id, source, source_id, date, kind, reference, memo, created_at) FROM stdin;
\.


--
-- Data for Name: books_journalline; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.books_journalline (id, debit, credit, branch_id, customer_id, entry_id, account_id) FROM stdin;
\.


--
-- Data for Name: books_ledgeraccount; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.books_ledgeraccount (id, code, name, type) FROM stdin;
1	1105	Cash with collectors (not yet handed over)	asset
2	1110	Cash at branches	asset
3	1150	Bank and cheque receipts not yet matched	asset
4	1160	Gateway and mobile-wallet clearing	asset
5	1200	Customer receivables	asset
6	1250	VAT deducted at source, receivable	asset
7	1260	Input VAT	asset
8	1300	Banks	asset
9	2100	Output VAT payable	liability
10	2200	Customer advance credit	liability
11	2300	Reseller wallets	liability
12	2350	Reseller renewals clearing	liability
13	2400	Deferred prepaid-card revenue	liability
14	2500	Suppliers payable	liability
15	2600	Reseller commissions payable	liability
16	3100	Opening balances brought over	equity
17	3900	Retained earnings	equity
18	4100	Subscription revenue	income
19	4200	One-time charges	income
20	4300	Prepaid card sales	income
21	4900	Credit notes and credits given	income
22	5100	Bandwidth (IIG)	expense
23	5200	NTTN	expense
24	5300	Rent	expense
25	5400	Electricity and fuel	expense
26	5500	Salaries	expense
27	5600	Equipment	expense
28	5700	Marketing	expense
29	5800	Reseller commissions	expense
30	5900	Other expenses	expense
\.


--
-- Data for Name: books_supplier; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.books_supplier (id, name, bin, phone, address, created_at) FROM stdin;
\.


--
-- Data for Name: churn_churnmodel; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.churn_churnmodel (id, version, trained_at, status, refusal_reason, algorithm, feature_names, cutoffs, training_rows, training_positives, backtest, band_thresholds, artifact) FROM stdin;
\.


--
-- Data for Name: churn_churnrisk; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.churn_churnrisk (id, scored_on, probability, band, reasons, mrr, customer_id, model_id) FROM stdin;
\.


--
-- Data for Name: churn_geminisettings; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.churn_geminisettings (id, api_key, model_name, updated_at) FROM stdin;
\.


--
-- Data for Name: churn_retentioncalltask; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.churn_retentioncalltask (id, due_date, status, outcome, outcome_note, probability, script, sms_draft, drafts_language, drafts_by_gemini, sms_sent_at, created_at, completed_at, assignee_id, created_by_id, customer_id) FROM stdin;
\.


--
-- Data for Name: churn_retentionfieldcheck; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.churn_retentionfieldcheck (id, created_at, created_by_id, customer_id, work_order_id) FROM stdin;
\.


--
-- Data for Name: churn_retentionoffer; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.churn_retentionoffer (id, kind, percent, months, starts_on, ends_on, status, note, created_at, ended_at, created_by_id, customer_id, original_package_id, subscription_id, switch_back_change_id, upgrade_change_id, upgrade_package_id) FROM stdin;
\.


--
-- Data for Name: churn_retentionoffercredit; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.churn_retentionoffercredit (id, amount, created_at, account_entry_id, credit_note_id, invoice_id, offer_id) FROM stdin;
\.


--
-- Data for Name: churn_usagewindow; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.churn_usagewindow (subscription_id, as_of, b7, b7_before, b30, b30_before, last_day, mask) FROM stdin;
\.


--
-- Data for Name: contracts_contract; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.contracts_contract (id, number, status, term_months, start_date, end_date, auto_renew, notice_days, reminder_days, monthly_price, fee_kind, fee_value, equipment, body_text, document, document_sha256, verify_code, sent_at, signed_at, ended_at, end_reason, reminder_sent_on, fee_waived_reason, created_at, created_by_id, customer_id, fee_charge_id, renewed_from_id, subscription_id, template_id, replaces_id, monthly_net) FROM stdin;
\.


--
-- Data for Name: contracts_contractevent; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.contracts_contractevent (id, seq, action, data, created_at, prev_hash, hash, actor_id, contract_id) FROM stdin;
\.


--
-- Data for Name: contracts_contractrule; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.contracts_contractrule (id, template_key, connection_type, applies_to, auto_renew, notice_days, fee_kind, fee_value, send_at_once, created_at, created_by_id, package_id) FROM stdin;
\.


--
-- Data for Name: contracts_contracttemplate; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.contracts_contracttemplate (id, key, language, version, title, body, created_at, created_by_id) FROM stdin;
\.


--
-- Data for Name: contracts_signature; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.contracts_signature (id, signer_name, phone_verified, ip_address, user_agent, latitude, longitude, device_time, server_time, image, image_sha256, document_sha256, consent_text, consent_sha256, signed_pdf, signed_pdf_sha256, contract_id, channel, witness_id) FROM stdin;
\.


--
-- Data for Name: contracts_signingsession; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.contracts_signingsession (id, key, channel, visit_ref, created_at, expires_at, ended_at, contract_id, one_time_code_id, witness_id) FROM stdin;
\.


--
-- Data for Name: core_auditlog; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.core_auditlog (id, at, action, object_id, object_repr, reason, before, after, ip_address, actor_id, content_type_id, via) FROM stdin;
\.


--
-- Data for Name: core_jobrun; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.core_jobrun (id, task_name, job, task_id, attempt, trigger, status, started_at, finished_at, duration_ms, processed, failed, skipped, result, error, traceback, host, worker, args, kwargs, args_complete, requested_by_id) FROM stdin;
\.


--
-- Data for Name: core_jobwatch; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.core_jobwatch (id, job, first_seen_at, late_since, notified_at) FROM stdin;
\.


--
-- Data for Name: core_numbersequence; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.core_numbersequence (id, key, last_value) FROM stdin;
\.


--
-- Data for Name: core_ratelimitcounter; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.core_ratelimitcounter (id, key, count, expires_at) FROM stdin;
\.


--
-- Data for Name: core_webhookattempt; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.core_webhookattempt (id, at, status_code, duration_ms, error, delivery_id) FROM stdin;
\.


--
-- Data for Name: core_webhookdelivery; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.core_webhookdelivery (id, event, event_id, payload, status, attempts, next_attempt_at, claimed_until, last_status_code, last_duration_ms, last_error, delivered_at, created_at, replay_of_id, endpoint_id) FROM stdin;
\.


--
-- Data for Name: core_webhookendpoint; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.core_webhookendpoint (id, name, url, events, secret, is_active, created_at, created_by_id) FROM stdin;
\.


--
-- Data for Name: customers_area; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.customers_area (id, name, branch_id, collector_id, district) FROM stdin;
\.


--
-- Data for Name: customers_branch; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.customers_branch (id, name, code, address, phone) FROM stdin;
\.


--
-- Data for Name: customers_calllog; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.customers_calllog (id, called_at, outcome, promise_to_pay_date, note, created_at, called_by_id, customer_id) FROM stdin;
\.


--
-- Data for Name: customers_customer; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.customers_customer (id, account_number, name, phone, email, national_id, address, latitude, longitude, status, customer_since, notes, created_at, updated_at, area_id, branch_id, reseller_id, user_id, referral_code, language, external_ref, collector_id, vat_bin) FROM stdin;
\.


--
-- Data for Name: customers_customertally; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.customers_customertally (id, status, n, branch_id) FROM stdin;
\.


--
-- Data for Name: customers_lead; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.customers_lead (id, name, phone, address, source, status, notes, created_at, updated_at, area_id, assigned_to_id, branch_id, converted_customer_id, interested_package_id) FROM stdin;
\.


--
-- Data for Name: customers_package; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.customers_package (id, name, type, download_mbps, upload_mbps, price, billing_cycle, ott_bundle, live_channels, data_cap_gb, router_profile, is_active, fup_download_mbps, fup_profile, fup_upload_mbps, installation_fee, minimum_term_months, bdix_download_mbps, bdix_upload_mbps, cache_download_mbps, cache_upload_mbps) FROM stdin;
\.


--
-- Data for Name: customers_packagespeedwindow; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.customers_packagespeedwindow (id, starts, ends, download_mbps, upload_mbps, package_id) FROM stdin;
\.


--
-- Data for Name: customers_referral; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.customers_referral (id, status, status_note, expires_at, created_at, updated_at, lead_id, referred_customer_id, referrer_id) FROM stdin;
\.


--
-- Data for Name: customers_referralcredit; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.customers_referralcredit (id, amount, reversal_reason, reversed_at, created_at, ledger_entry_id, payment_id, referral_id, reversal_entry_id, reversed_by_id) FROM stdin;
\.


--
-- Data for Name: customers_referralsettings; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.customers_referralsettings (id, is_enabled, reward_kind, fixed_amount, percent, expiry_days, updated_at) FROM stdin;
\.


--
-- Data for Name: customers_speedtestresult; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.customers_speedtestresult (id, ip, download_mbps, upload_mbps, ping_ms, jitter_ms, package_download_mbps, package_upload_mbps, user_agent, created_at, customer_id) FROM stdin;
\.


--
-- Data for Name: customers_subscription; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.customers_subscription (id, connection_type, username, password, static_ip, mac_address, status, suspension_type, skip_billing, activated_at, suspended_at, cancelled_at, billing_anchor_day, paid_through, created_at, updated_at, customer_id, package_id, router_id, billed_through, billing_anchor_month, password_nt_hash) FROM stdin;
\.


--
-- Data for Name: dashboard_dailymetric; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.dashboard_dailymetric (id, day, dimension, key, mrr, subscriptions, customers, start_mrr, new_mrr, expansion_mrr, contraction_mrr, churned_mrr, reactivation_mrr, customers_at_start, customers_churned, billed, revenue, due, collected, ar_current, ar_1_30, ar_31_60, ar_61_90, ar_90_plus, computed_at, branch_id, arrears_collected, asked, paid_of_asked, paused_mrr) FROM stdin;
\.


--
-- Data for Name: django_admin_log; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.django_admin_log (id, action_time, object_id, object_repr, action_flag, change_message, content_type_id, user_id) FROM stdin;
\.


--
-- Data for Name: django_content_type; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.django_content_type (id, app_label, model) FROM stdin;
1	payments	payment
2	payments	gatewaypayment
3	payments	gatewayevent
4	payments	gatewayrefund
5	payments	gatewaysettings
6	payments	cashhandover
7	payments	pastpayment
8	payments	autopayrun
9	payments	bkashsettings
10	payments	autopay
11	payments	autopayattempt
12	payments	bkashagreement
13	payments	nagadsettings
14	payments	gatewaystatement
15	payments	reconciliationrun
16	payments	gatewaystatementline
17	payments	reconciliationitem
18	payments	queuedpayment
19	payments	vdsdeduction
20	fieldservice	checklisttemplate
21	fieldservice	equipmentmodel
22	fieldservice	checklisttemplateitem
23	fieldservice	equipmentitem
24	fieldservice	workorder
25	fieldservice	syncoperation
26	fieldservice	equipmentmovement
27	fieldservice	checklistitem
28	fieldservice	workorderevent
29	fieldservice	workorderphoto
30	fieldservice	equipmentrental
31	fieldservice	equipmentrentalcharge
32	churn	churnmodel
33	churn	churnrisk
34	churn	geminisettings
35	churn	retentionfieldcheck
36	churn	retentionoffer
37	churn	retentionoffercredit
38	churn	retentioncalltask
39	fibre	olt
40	fibre	onu
41	fibre	onudaily
42	fibre	onuhourly
43	fibre	onusample
44	fibre	onustatusevent
45	fibre	ponport
46	fibre	fibreincident
47	fibre	signalthreshold
48	fibre	fibresettings
49	network	router
50	network	driftreport
51	network	provisioningtask
52	network	usagepoll
53	network	fupstate
54	network	usagedaily
55	network	usagehourly
56	network	usagesample
57	network	outage
58	network	outageupdate
59	network	routerdownperiod
60	network	outagebroadcast
61	network	speeddestination
62	network	speedboundaryrun
63	network	addresspool
64	network	addressassignment
65	radius	packageradius
66	radius	authattempt
67	radius	session
68	radius	sessionlog
69	admin	logentry
70	auth	permission
71	auth	group
72	contenttypes	contenttype
73	sessions	session
74	axes	accessattempt
75	axes	accesslog
76	axes	accessfailurelog
77	axes	accessattemptexpiration
78	core	numbersequence
79	core	auditlog
80	core	ratelimitcounter
81	core	webhookdelivery
82	core	webhookattempt
83	core	webhookendpoint
84	core	jobwatch
85	core	jobrun
86	accounts	user
87	accounts	customersession
88	accounts	onetimecode
89	notify	messagetemplate
90	notify	message
91	notify	notificationpreference
92	dashboard	dailymetric
93	customers	branch
94	customers	area
95	customers	package
96	customers	packagespeedwindow
97	customers	customer
98	customers	customertally
99	customers	subscription
100	customers	lead
101	customers	calllog
102	customers	referralsettings
103	customers	referral
104	customers	referralcredit
105	customers	speedtestresult
106	books	ledgeraccount
107	books	journalentry
108	books	journalline
109	books	supplier
110	books	bankaccount
111	books	bill
112	books	billpayment
113	books	bankmovement
114	billing	billingsettings
115	billing	account
116	billing	billingrun
117	billing	billingrunchunk
118	billing	invoice
119	billing	invoiceline
120	billing	ledgerentry
121	billing	crediteddays
122	billing	linecredit
123	billing	allocation
124	billing	packagechange
125	billing	onetimecharge
126	billing	creditnote
127	billing	debitnote
128	billing	resellerwallet
129	billing	walletentry
130	billing	commissionentry
131	billing	cardsale
132	billing	cardsalerefund
133	radius	badsecretdrop
134	radius	routerreload
135	radius	serverspushed
136	fibre	fibreincidentticket
137	tickets	supportsettings
138	tickets	holiday
139	tickets	slapolicy
140	tickets	ticket
141	tickets	ticketcomment
142	tickets	survey
143	resellers	reseller
144	resellers	resellerlogin
145	resellers	resellerpackage
146	resellers	commissionrule
147	resellers	commissionstatement
148	resellers	payout
149	resellers	renewal
150	contracts	contracttemplate
151	contracts	contract
152	contracts	signature
153	contracts	contractevent
154	contracts	contractrule
155	contracts	signingsession
156	churn	usagewindow
157	imports	importprofile
158	imports	importbatch
159	imports	importrow
160	vouchers	wifizone
161	vouchers	voucherplan
162	vouchers	voucherbatch
163	vouchers	batchcodes
164	vouchers	vouchercard
165	vouchers	cardloginkey
166	vouchers	cardsession
167	vouchers	wifisignupcode
168	vouchers	wifipurchase
169	api	apitoken
170	api	apisettings
\.


--
-- Data for Name: django_migrations; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.django_migrations (id, app, name, applied) FROM stdin;
1	customers	0001_initial	2026-11-27 12:24:04.050842+00
2	accounts	0001_initial	2026-11-27 12:24:04.054176+00
3	resellers	0001_initial	2026-11-27 12:24:04.058923+00
4	network	0001_initial	2026-11-27 12:24:04.063533+00
5	customers	0002_initial	2026-11-27 12:24:04.245611+00
6	customers	0002_search_indexes	2026-11-27 12:24:04.256337+00
7	payments	0001_initial	2026-11-27 12:24:04.267044+00
8	payments	0002_reverse_permission	2026-11-27 12:24:04.271526+00
9	customers	0003_billing_state	2026-11-27 12:24:04.287106+00
10	customers	0004_call_log	2026-11-27 12:24:04.297046+00
11	customers	0005_customer_area_status_index	2026-11-27 12:24:04.30365+00
12	customers	0006_package_fup	2026-11-27 12:24:04.314202+00
13	billing	0001_initial	2026-11-27 12:24:04.332782+00
14	billing	0002_initial	2026-11-27 12:24:04.497624+00
15	billing	0003_billing_run_chunks	2026-11-27 12:24:04.542193+00
16	payments	0003_online_payments	2026-11-27 12:24:04.756867+00
17	billing	0004_package_changes	2026-11-27 12:24:04.777886+00
18	billing	0005_invoice_sums_rounded	2026-11-27 12:24:04.811492+00
19	customers	0007_referrals_speedtest	2026-11-27 12:24:04.896982+00
20	customers	0008_referral_code_backfill	2026-11-27 12:24:04.912426+00
21	customers	0009_referral_code_required	2026-11-27 12:24:04.92504+00
22	contenttypes	0001_initial	2026-11-27 12:24:04.928737+00
23	contenttypes	0002_remove_content_type_name	2026-11-27 12:24:04.94402+00
24	auth	0001_initial	2026-11-27 12:24:04.954399+00
25	auth	0002_alter_permission_name_max_length	2026-11-27 12:24:04.956889+00
26	auth	0003_alter_user_email_max_length	2026-11-27 12:24:04.959153+00
27	auth	0004_alter_user_username_opts	2026-11-27 12:24:04.961448+00
28	auth	0005_alter_user_last_login_null	2026-11-27 12:24:04.965027+00
29	auth	0006_require_contenttypes_0002	2026-11-27 12:24:04.965547+00
30	auth	0007_alter_validators_add_error_messages	2026-11-27 12:24:04.967804+00
31	auth	0008_alter_user_username_max_length	2026-11-27 12:24:04.970018+00
32	auth	0009_alter_user_last_name_max_length	2026-11-27 12:24:04.972266+00
33	auth	0010_alter_group_name_max_length	2026-11-27 12:24:04.975114+00
34	auth	0011_update_proxy_permissions	2026-11-27 12:24:04.989224+00
35	auth	0012_alter_user_first_name_max_length	2026-11-27 12:24:04.99187+00
36	accounts	0002_initial	2026-11-27 12:24:05.042876+00
37	accounts	0003_portal_security	2026-11-27 12:24:05.238964+00
38	accounts	0004_contract_sign_code_purpose	2026-11-27 12:24:05.248784+00
39	admin	0001_initial	2026-11-27 12:24:05.268035+00
40	admin	0002_logentry_remove_auto_add	2026-11-27 12:24:05.278673+00
41	admin	0003_logentry_add_action_flag_choices	2026-11-27 12:24:05.289869+00
42	network	0002_router_connection_health_outbox_drift	2026-11-27 12:24:05.73987+00
43	network	0003_usage_polling_fup	2026-11-27 12:24:05.892103+00
44	network	0004_usage_poll_documents	2026-11-27 12:24:05.906845+00
45	network	0005_outages	2026-11-27 12:24:06.224991+00
46	network	0006_support_sees_outages	2026-11-27 12:24:06.248868+00
47	network	0007_outage_notice_in_bangla	2026-11-27 12:24:06.315573+00
48	customers	0010_subscription_fillfactor	2026-11-27 12:24:06.494235+00
49	customers	0011_customer_language	2026-11-27 12:24:06.539688+00
50	customers	0012_package_installation_fee_minimum_term	2026-11-27 12:24:06.549385+00
51	billing	0006_account_fillfactor	2026-11-27 12:24:06.573233+00
52	billing	0007_ledger_entry_credit_note_opening_balance	2026-11-27 12:24:06.589354+00
53	payments	0004_gateway_refund_ledger_entry	2026-11-27 12:24:06.639947+00
54	billing	0008_reseller_wallets	2026-11-27 12:24:07.016599+00
55	resellers	0002_reseller_terms_logins_payouts	2026-11-27 12:24:07.394365+00
56	customers	0012_customer_reseller_name_index	2026-11-27 12:24:07.415764+00
57	customers	0012_customer_external_ref	2026-11-27 12:24:07.437703+00
58	customers	0013_merge_external_ref_installation_fee_reseller_index	2026-11-27 12:24:07.438033+00
59	customers	0014_collectors	2026-11-27 12:24:07.489186+00
60	customers	0015_cancelled_connection_frees_login	2026-11-27 12:24:07.559797+00
61	api	0001_initial	2026-11-27 12:24:07.728553+00
62	api	0002_app_token_expiry	2026-11-27 12:24:07.80085+00
63	axes	0001_initial	2026-11-27 12:24:07.804869+00
64	axes	0002_auto_20151217_2044	2026-11-27 12:24:07.818159+00
65	axes	0003_auto_20160322_0929	2026-11-27 12:24:07.828022+00
66	axes	0004_auto_20181024_1538	2026-11-27 12:24:07.837369+00
67	axes	0005_remove_accessattempt_trusted	2026-11-27 12:24:07.839304+00
68	axes	0006_remove_accesslog_trusted	2026-11-27 12:24:07.841027+00
69	axes	0007_alter_accessattempt_unique_together	2026-11-27 12:24:07.871923+00
70	axes	0008_accessfailurelog	2026-11-27 12:24:07.875794+00
71	axes	0009_add_session_hash	2026-11-27 12:24:07.877767+00
72	axes	0010_accessattemptexpiration	2026-11-27 12:24:07.88069+00
73	customers	0016_customer_tally	2026-11-27 12:24:07.936592+00
74	customers	0017_subscription_password_nt_hash	2026-11-27 12:24:07.984591+00
75	customers	0018_vat_bin_and_district	2026-11-27 12:24:08.160074+00
76	billing	0008_one_time_charges_credit_notes	2026-11-27 12:24:08.226785+00
77	billing	0009_merge_charges_wallets	2026-11-27 12:24:08.227288+00
78	billing	0010_commission_owed_may_carry_a_clawback	2026-11-27 12:24:08.235952+00
79	billing	0011_subresellers	2026-11-27 12:24:08.258082+00
80	payments	0004_backdate_payment_permission	2026-11-27 12:24:08.280462+00
81	payments	0005_grant_backdate_to_managers	2026-11-27 12:24:08.315013+00
82	payments	0004_payment_received_at_index	2026-11-27 12:24:08.338947+00
83	payments	0006_merge_refund_entry_backdate_received_index	2026-11-27 12:24:08.339515+00
84	billing	0010_analytics_indexes	2026-11-27 12:24:08.364629+00
85	billing	0011_merge_clawback_analytics_indexes	2026-11-27 12:24:08.365129+00
86	billing	0012_merge_subresellers_analytics	2026-11-27 12:24:08.365614+00
87	billing	0013_credited_days	2026-11-27 12:24:08.525708+00
88	billing	0014_line_credit	2026-11-27 12:24:08.555871+00
89	billing	0015_rent_during_pause	2026-11-27 12:24:08.558441+00
90	billing	0016_commission_accrues_as_credit_pays	2026-11-27 12:24:08.581553+00
91	billing	0017_radius_blocked_access	2026-11-27 12:24:08.585609+00
92	billing	0018_session_log_retention	2026-11-27 12:24:08.58955+00
93	billing	0019_walletentry_cards	2026-11-27 12:24:08.611798+00
94	billing	0020_card_guess_limits	2026-11-27 12:24:08.622713+00
95	billing	0021_card_sale	2026-11-27 12:24:08.625998+00
96	billing	0022_card_sale_refund	2026-11-27 12:24:08.630768+00
97	billing	0023_invoice_at_activation	2026-11-27 12:24:08.665612+00
98	billing	0024_tax_challan_numbers	2026-11-27 12:24:08.777783+00
99	billing	0025_debit_notes	2026-11-27 12:24:08.982771+00
100	payments	0007_cash_handover	2026-11-27 12:24:09.016561+00
101	payments	0008_grant_cash_handover	2026-11-27 12:24:09.05278+00
102	payments	0007_past_payments	2026-11-27 12:24:09.086002+00
103	payments	0009_merge_past_payments_cash_handover	2026-11-27 12:24:09.086386+00
104	payments	0010_wallet_method	2026-11-27 12:24:09.165618+00
105	payments	0011_bkash_gateways_autopay	2026-11-27 12:24:09.911503+00
106	payments	0012_bkash_paybill_method	2026-11-27 12:24:09.964457+00
107	payments	0013_nagad_gateway	2026-11-27 12:24:10.159922+00
108	payments	0014_gateway_reconciliation	2026-11-27 12:24:10.333943+00
109	payments	0015_prepaid_card_method	2026-11-27 12:24:10.544238+00
110	payments	0016_card_purchases	2026-11-27 12:24:10.712364+00
111	payments	0017_queued_payments	2026-11-27 12:24:10.751213+00
112	payments	0018_vds	2026-11-27 12:24:11.013385+00
113	tickets	0001_initial	2026-11-27 12:24:11.872809+00
114	tickets	0002_surveys_for_visits	2026-11-27 12:24:12.258696+00
115	fieldservice	0001_initial	2026-11-27 12:24:12.302104+00
116	fieldservice	0002_work_orders_checklists_equipment_sync	2026-11-27 12:24:13.034985+00
117	fieldservice	0003_equipment_sale_price_and_invoice	2026-11-27 12:24:13.219988+00
118	fieldservice	0004_equipment_rental	2026-11-27 12:24:13.758363+00
119	fieldservice	0005_visit_ratings_are_surveys	2026-11-27 12:24:13.977547+00
120	fieldservice	0006_remove_workorder_rating	2026-11-27 12:24:14.091232+00
121	fieldservice	0007_equipment_store_moves	2026-11-27 12:24:14.207751+00
122	fieldservice	0008_offline_action_times	2026-11-27 12:24:14.43892+00
123	fieldservice	0009_completion_photos_and_serial	2026-11-27 12:24:14.520326+00
124	books	0001_initial	2026-11-27 12:24:14.572774+00
125	books	0002_journal_balanced_append_only	2026-11-27 12:24:14.753154+00
126	books	0090_vat_wallet_sources	2026-11-27 12:24:14.75724+00
127	books	0003_expenses_suppliers_banks	2026-11-27 12:24:14.909668+00
128	books	0091_merge_expenses_and_vat	2026-11-27 12:24:14.910202+00
129	books	0092_journal_sources_of_both	2026-11-27 12:24:14.913742+00
130	books	0093_bill_parts_settlements_commissions	2026-11-27 12:24:15.684332+00
131	books	0094_accountant_vds_and_store	2026-11-27 12:24:15.741308+00
132	churn	0001_prediction	2026-11-27 12:24:15.930144+00
133	churn	0002_retention	2026-11-27 12:24:16.443803+00
134	churn	0003_retention_roles	2026-11-27 12:24:16.503245+00
135	churn	0002_model_train_permission	2026-11-27 12:24:16.508555+00
136	churn	0004_merge_prediction_retention	2026-11-27 12:24:16.509079+00
137	churn	0005_usage_window	2026-11-27 12:24:16.772786+00
138	churn	0006_line_credits_backfill	2026-11-27 12:24:16.830702+00
139	contracts	0001_contracts_signatures_events	2026-11-27 12:24:17.614625+00
140	contracts	0002_signed_documents_immutable	2026-11-27 12:24:17.67293+00
141	contracts	0003_rules_signing_sessions_onsite_evidence	2026-11-27 12:24:18.089812+00
142	contracts	0004_contract_monthly_net	2026-11-27 12:24:18.46197+00
143	core	0001_initial	2026-11-27 12:24:18.525558+00
144	core	0002_audit_append_only_trigger	2026-11-27 12:24:18.584609+00
145	core	0003_rate_limit_counter	2026-11-27 12:24:18.589103+00
146	core	0004_webhooks_and_audit_via	2026-11-27 12:24:18.943468+00
147	core	0005_job_log	2026-11-27 12:24:19.009383+00
148	network	0008_router_radius	2026-11-27 12:24:19.052136+00
149	network	0009_router_coa_port_aaa_switch	2026-11-27 12:24:19.160976+00
150	network	0010_provisioning_disconnect	2026-11-27 12:24:19.369488+00
151	network	0011_router_require_message_authenticator	2026-11-27 12:24:19.392239+00
152	customers	0019_package_speed_classes_and_windows	2026-11-27 12:24:19.519095+00
153	customers	0020_subscription_ipoe	2026-11-27 12:24:19.832495+00
154	dashboard	0001_daily_metric_snapshots	2026-11-27 12:24:19.956894+00
155	dashboard	0002_efficiency_parts_paused_mrr	2026-11-27 12:24:20.029197+00
156	fibre	0001_initial	2026-11-27 12:24:21.607104+00
157	fibre	0002_fibre_settings	2026-11-27 12:24:21.610358+00
158	fibre	0003_fibre_roles	2026-11-27 12:24:21.68048+00
159	fibre	0004_incident_tickets	2026-11-27 12:24:21.745718+00
160	imports	0001_import_batches	2026-11-27 12:24:22.118778+00
161	imports	0002_batch_kind_past_payments	2026-11-27 12:24:22.236785+00
162	imports	0003_batch_undo_report	2026-11-27 12:24:22.448033+00
163	network	0012_speed_destinations_and_boundary_runs	2026-11-27 12:24:22.520324+00
164	network	0013_address_pools	2026-11-27 12:24:23.064094+00
165	notify	0001_initial	2026-11-27 12:24:23.836463+00
166	notify	0002_message_sealed	2026-11-27 12:24:23.939591+00
167	resellers	0003_renewal_outbox_low_balance_alert	2026-11-27 12:24:24.312549+00
168	resellers	0004_reseller_branding	2026-11-27 12:24:24.639827+00
169	resellers	0005_subresellers	2026-11-27 12:24:25.070431+00
170	resellers	0006_reseller_card_distributor	2026-11-27 12:24:25.216082+00
171	vouchers	0001_initial	2026-11-27 12:24:26.349795+00
172	vouchers	0002_online_sales_and_remembered_devices	2026-11-27 12:24:26.490532+00
173	vouchers	0003_batch_generation_in_background	2026-11-27 12:24:26.923678+00
174	vouchers	0004_recharge_by_card	2026-11-27 12:24:27.35413+00
175	vouchers	0005_card_login_key_and_sessions	2026-11-27 12:24:27.432379+00
176	radius	0001_initial	2026-11-27 12:24:27.823559+00
177	radius	0002_authorisation_views	2026-11-27 12:24:27.9032+00
178	radius	0003_authorisation_functions	2026-11-27 12:24:28.143727+00
179	radius	0004_auth_attempt_server_error	2026-11-27 12:24:28.170142+00
180	radius	0005_session_counted_octets	2026-11-27 12:24:28.24619+00
181	radius	0006_router_clients_notify	2026-11-27 12:24:28.321288+00
182	radius	0007_hotspot_logins	2026-11-27 12:24:28.59144+00
183	radius	0008_session_log	2026-11-27 12:24:28.840527+00
184	radius	0009_session_permissions	2026-11-27 12:24:29.041019+00
185	radius	0010_postauth_indexes_open_sessions_function	2026-11-27 12:24:29.274599+00
186	radius	0011_card_login_reasons	2026-11-27 12:24:29.512319+00
187	vouchers	0006_hotspot_card_logins	2026-11-27 12:24:29.669828+00
188	vouchers	0007_wifi_signup	2026-11-27 12:24:29.99559+00
189	vouchers	0008_wifi_purchase_language	2026-11-27 12:24:30.014823+00
190	radius	0012_router_clients_notify_message_authenticator	2026-11-27 12:24:30.09205+00
191	radius	0013_postauth_bad_secret	2026-11-27 12:24:30.11893+00
192	radius	0014_postauth_answer_id	2026-11-27 12:24:30.346392+00
193	radius	0015_bad_secret_drop	2026-11-27 12:24:30.424898+00
194	radius	0016_session_log_router_and_start_indexes	2026-11-27 12:24:30.494728+00
195	radius	0017_login_state	2026-11-27 12:24:30.57773+00
196	radius	0018_radacct_fewer_indexes	2026-11-27 12:24:30.980791+00
197	radius	0019_session_log_login_index	2026-11-27 12:24:31.00818+00
198	radius	0020_servers_pushed	2026-11-27 12:24:31.012233+00
199	radius	0021_speed_classes_and_windows	2026-11-27 12:24:31.264986+00
200	radius	0022_ipoe_and_ipv6_logins	2026-11-27 12:24:31.347449+00
201	radius	0023_speed_functions_as_owner	2026-11-27 12:24:31.425726+00
202	radius	0024_speed_functions_keep_their_plans	2026-11-27 12:24:31.66873+00
203	radius	0025_speed_answer_in_the_login_state	2026-11-27 12:24:31.750787+00
204	radius	0026_open_sessions_plan_kept_without_seqscan	2026-11-27 12:24:31.827631+00
205	radius	0027_router_reload	2026-11-27 12:24:32.156029+00
206	sessions	0001_initial	2026-11-27 12:24:32.160912+00
207	vouchers	0009_plan_speed_package	2026-11-27 12:24:32.314282+00
\.


--
-- Data for Name: django_session; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.django_session (session_key, session_data, expire_date) FROM stdin;
\.


--
-- Data for Name: fibre_fibreincident; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.fibre_fibreincident (id, kind, started_at, ended_at, detail, ticket_id, work_order_id, outage_id, olt_id, onu_id, pon_port_id) FROM stdin;
\.


--
-- Data for Name: fibre_fibreincidentticket; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.fibre_fibreincidentticket (id, ticket_id, linked_at, incident_id) FROM stdin;
\.


--
-- Data for Name: fibre_fibresettings; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.fibre_fibresettings (id, declare_outages, updated_at) FROM stdin;
\.


--
-- Data for Name: fibre_olt; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.fibre_olt (id, name, site, address, host, snmp_port, profile, snmp_version, community, v3_user, v3_auth_protocol, v3_auth_key, v3_priv_protocol, v3_priv_key, timeout_seconds, retries, is_active, is_online, last_seen_at, last_checked_at, last_polled_at, last_poll_ms, sys_descr, sys_uptime_seconds, last_error, poll_lease_until, branch_id) FROM stdin;
\.


--
-- Data for Name: fibre_onu; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.fibre_onu (id, key, number, serial, mac, status, down_cause, status_changed_at, rx_dbm, tx_dbm, distance_m, temperature_c, signal, first_seen_at, last_seen_at, moved_at, match, matched_at, olt_id, subscription_id, moved_from_id, pon_port_id) FROM stdin;
\.


--
-- Data for Name: fibre_onu_daily; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.fibre_onu_daily (day, samples, online_samples, rx_avg, rx_min, rx_max, tx_avg, onu_id) FROM stdin;
\.


--
-- Data for Name: fibre_onu_hourly_default; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.fibre_onu_hourly_default (hour, samples, online_samples, rx_avg, rx_min, rx_max, tx_avg, onu_id) FROM stdin;
\.


--
-- Data for Name: fibre_onu_sample_default; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.fibre_onu_sample_default (at, online, rx_dbm, tx_dbm, temperature_c, onu_id) FROM stdin;
\.


--
-- Data for Name: fibre_onustatusevent; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.fibre_onustatusevent (id, at, status, cause, onu_id) FROM stdin;
\.


--
-- Data for Name: fibre_ponport; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.fibre_ponport (id, key, name, dark_since, onus_total, onus_online, area_id, olt_id) FROM stdin;
\.


--
-- Data for Name: fibre_signalthreshold; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.fibre_signalthreshold (id, profile, rx_warning_dbm, rx_critical_dbm, rx_overload_dbm, drift_db, updated_at) FROM stdin;
\.


--
-- Data for Name: fieldservice_checklistitem; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.fieldservice_checklistitem (id, label, required, "position", done, done_at, done_by_id, order_id) FROM stdin;
\.


--
-- Data for Name: fieldservice_checklisttemplate; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.fieldservice_checklisttemplate (id, kind, photos_required, serial_required) FROM stdin;
1	installation	0	f
2	repair	0	f
3	relocation	0	f
4	disconnection	0	f
5	collection	0	f
6	site_survey	0	f
\.


--
-- Data for Name: fieldservice_checklisttemplateitem; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.fieldservice_checklisttemplateitem (id, label, required, "position", template_id) FROM stdin;
1	Fiber drop run and fixed	t	0	1
2	ONU installed and powered	t	1	1
3	Optical power measured	t	2	1
4	PPPoE login tested with the customer	t	3	1
5	Wi-Fi name and password set	f	4	1
6	Fault found	t	0	2
7	Drop cable / splice checked	t	1	2
8	Connection tested online	t	2	2
9	Old point disconnected	t	0	3
10	New drop run	t	1	3
11	Connection tested online	t	2	3
12	Line disconnected at the box	t	0	4
13	Equipment collected	t	0	5
14	Condition noted	f	1	5
15	Nearest box located	t	0	6
16	Cable run estimated	t	1	6
17	Photos taken	f	2	6
\.


--
-- Data for Name: fieldservice_equipmentitem; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.fieldservice_equipmentitem (id, serial, status, updated_at, branch_id, customer_id, technician_id, model_id) FROM stdin;
\.


--
-- Data for Name: fieldservice_equipmentmodel; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.fieldservice_equipmentmodel (id, name, category, serial_tracked, sale_price, rental_price) FROM stdin;
\.


--
-- Data for Name: fieldservice_equipmentmovement; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.fieldservice_equipmentmovement (id, at, from_status, to_status, note, actor_id, customer_id, item_id, order_id, invoice_id, technician_id) FROM stdin;
\.


--
-- Data for Name: fieldservice_equipmentrental; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.fieldservice_equipmentrental (id, monthly_price, started_on, ended_on, customer_id, item_id, order_id, subscription_id) FROM stdin;
\.


--
-- Data for Name: fieldservice_equipmentrentalcharge; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.fieldservice_equipmentrentalcharge (id, first_day, last_day, withdrawn, charge_id, credit_note_id, rental_id) FROM stdin;
\.


--
-- Data for Name: fieldservice_syncoperation; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.fieldservice_syncoperation (uuid, kind, payload, ok, result, created_at, replays, technician_id, order_id, client_at, done_at) FROM stdin;
\.


--
-- Data for Name: fieldservice_workorder; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.fieldservice_workorder (id, kind, priority, status, source, contact_name, contact_phone, address, latitude, longitude, description, window_start, window_end, scheduled_start, duration_minutes, travel_started_at, arrived_at, arrival_latitude, arrival_longitude, arrival_accuracy_m, arrival_without_gps, onu_power_dbm, speed_down_mbps, speed_up_mbps, signer_name, signature, signature_sha256, signed_at, completed_at, outcome_reason, override_reason, created_at, updated_at, area_id, branch_id, created_by_id, customer_id, lead_id, override_by_id, subscription_id, technician_id, ticket_id, survey_id, photos_required, serial_required) FROM stdin;
\.


--
-- Data for Name: fieldservice_workorderevent; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.fieldservice_workorderevent (id, at, action, from_status, to_status, message, actor_id, order_id, received_at) FROM stdin;
\.


--
-- Data for Name: fieldservice_workorderphoto; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.fieldservice_workorderphoto (id, client_uuid, image, sha256, size, width, height, caption, created_at, order_id, uploaded_by_id) FROM stdin;
\.


--
-- Data for Name: imports_importbatch; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.imports_importbatch (id, source, status, file_name, headers, mapping, profile_packages, cutover_date, activate, total_rows, error_rows, to_create, to_update, processed_rows, created_count, updated_count, failure, report, created_at, started_at, finished_at, undone_at, created_by_id, router_id, undone_by_id, profile_id, kind, undo_report) FROM stdin;
\.


--
-- Data for Name: imports_importprofile; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.imports_importprofile (id, name, mapping, updated_at, created_by_id) FROM stdin;
\.


--
-- Data for Name: imports_importrow; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.imports_importrow (id, line, data, "values", errors, action, done, previous, batch_id, customer_id, opening_entry_id, subscription_id, past_payment_id) FROM stdin;
\.


--
-- Data for Name: network_addressassignment; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.network_addressassignment (id, family, address, first_key, last_key, assigned_at, released_at, router_id, subscription_id, pool_id) FROM stdin;
\.


--
-- Data for Name: network_addresspool; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.network_addresspool (id, name, family, kind, network, assign_length, first_key, last_key, note, created_at, branch_id, router_id) FROM stdin;
\.


--
-- Data for Name: network_driftreport; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.network_driftreport (id, started_at, finished_at, status, checked, repairs, orphans, skipped, error, requested_by_id, router_id) FROM stdin;
\.


--
-- Data for Name: network_fupstate; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.network_fupstate (subscription_id, cycle_start, cycle_end, cap_bytes, used_bytes, warned_80_at, warned_95_at, throttled_at, lifted_at, lift_reason, updated_at, lifted_by_id) FROM stdin;
\.


--
-- Data for Name: network_outage; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.network_outage (id, title, description, status, started_at, estimated_restoration_at, restored_at, restoration_note, affected_customers, declared_at, created_at, declared_by_id, down_period_id, description_bn, restoration_note_bn, title_bn) FROM stdin;
\.


--
-- Data for Name: network_outage_areas; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.network_outage_areas (id, outage_id, area_id) FROM stdin;
\.


--
-- Data for Name: network_outage_routers; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.network_outage_routers (id, outage_id, router_id) FROM stdin;
\.


--
-- Data for Name: network_outagebroadcast; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.network_outagebroadcast (id, event, occurrence, status, recipients, queued, created_at, finished_at, outage_id, update_id) FROM stdin;
\.


--
-- Data for Name: network_outageupdate; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.network_outageupdate (id, message, estimated_restoration_at, created_at, created_by_id, outage_id, message_bn) FROM stdin;
\.


--
-- Data for Name: network_provisioningtask; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.network_provisioningtask (id, key, action, desired, status, attempts, next_attempt_at, last_error, result, created_at, applied_at, created_by_id, router_id, subscription_id) FROM stdin;
\.


--
-- Data for Name: network_router; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.network_router (id, name, host, api_port, is_active, branch_id, active_sessions, board_name, cpu_load, identity, is_online, last_checked_at, last_error, last_seen_at, outbox_lease_until, outbox_retry_at, password, provision_hotspot, provision_pppoe, provision_static, routeros_version, ssl_port, suspended_address_list, suspension_method, unreachable_count, uptime_seconds, use_ssl, username, aaa_mode, radius_secret, radius_coa_port, radius_require_message_authenticator) FROM stdin;
\.


--
-- Data for Name: network_router_areas; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.network_router_areas (id, router_id, area_id) FROM stdin;
\.


--
-- Data for Name: network_routerdownperiod; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.network_routerdownperiod (id, started_at, ended_at, error, router_id) FROM stdin;
\.


--
-- Data for Name: network_speedboundaryrun; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.network_speedboundaryrun (id, boundary_at, status, started_at, finished_at, done, refused, lost, pending, max_rate, error, router_id) FROM stdin;
\.


--
-- Data for Name: network_speeddestination; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.network_speeddestination (id, kind, prefix, note, created_at) FROM stdin;
\.


--
-- Data for Name: network_usagedaily; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.network_usagedaily (id, day, upload_bytes, download_bytes, subscription_id) FROM stdin;
\.


--
-- Data for Name: network_usagehourly; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.network_usagehourly (id, hour, upload_bytes, download_bytes, subscription_id) FROM stdin;
\.


--
-- Data for Name: network_usagepoll; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.network_usagepoll (router_id, polled_at, succeeded_at, router_uptime_seconds, counters, resets, duration_ms, error, lease_until, baselines, sessions) FROM stdin;
\.


--
-- Data for Name: network_usagesample; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.network_usagesample (id, taken_at, upload_bytes, download_bytes, router_id, subscription_id) FROM stdin;
\.


--
-- Data for Name: notify_message; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.notify_message (id, channel, event, language, "to", subject, body, payload, status, attempts, next_attempt_at, last_error, backend, provider_message_id, object_id, idempotency_key, created_at, updated_at, sent_at, content_type_id, customer_id, template_id, sealed) FROM stdin;
\.


--
-- Data for Name: notify_messagetemplate; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.notify_messagetemplate (id, event, channel, language, subject, body, whatsapp_template_name, whatsapp_template_params, active, updated_at, updated_by_id) FROM stdin;
1	invoice_issued	sms	en		Dear {{ customer_name }}, invoice {{ invoice_number }} for {{ amount }} is issued.{% if amount_due %} Please pay {{ amount_due }} by {{ due_date }}.{% else %} It is paid from your account credit.{% endif %} A/C {{ account_number }}. - {{ isp_name }}			t	2026-11-27 12:24:32.696586+00	\N
2	invoice_issued	sms	bn		প্রিয় {{ customer_name }}, আপনার {{ amount }} মূল্যের বিল {{ invoice_number }} ইস্যু হয়েছে।{% if amount_due %} অনুগ্রহ করে {{ due_date }} তারিখের মধ্যে {{ amount_due }} পরিশোধ করুন।{% else %} এটি আপনার অ্যাকাউন্টের জমা থেকে পরিশোধিত।{% endif %} অ্যাকাউন্ট {{ account_number }}। - {{ isp_name }}			t	2026-11-27 12:24:32.696607+00	\N
3	invoice_issued	whatsapp	en		Dear {{ customer_name }}, invoice {{ invoice_number }} for {{ amount }} is issued.{% if amount_due %} Please pay {{ amount_due }} by {{ due_date }}.{% else %} It is paid from your account credit.{% endif %} A/C {{ account_number }}. - {{ isp_name }}			t	2026-11-27 12:24:32.696614+00	\N
4	invoice_issued	whatsapp	bn		প্রিয় {{ customer_name }}, আপনার {{ amount }} মূল্যের বিল {{ invoice_number }} ইস্যু হয়েছে।{% if amount_due %} অনুগ্রহ করে {{ due_date }} তারিখের মধ্যে {{ amount_due }} পরিশোধ করুন।{% else %} এটি আপনার অ্যাকাউন্টের জমা থেকে পরিশোধিত।{% endif %} অ্যাকাউন্ট {{ account_number }}। - {{ isp_name }}			t	2026-11-27 12:24:32.69662+00	\N
5	invoice_issued	email	en	Invoice {{ invoice_number }} from {{ isp_name }}	Dear {{ customer_name }},\n\nInvoice {{ invoice_number }} for {{ amount }} was issued on {{ issue_date }}.\n{% if amount_due %}Amount due: {{ amount_due }}, payable by {{ due_date }}.{% else %}It has been paid from your account credit.{% endif %}\n\nAccount number: {{ account_number }}\nYour invoices and receipts: {{ portal_url }}\n\n{{ isp_name }}{% if isp_phone %} · {{ isp_phone }}{% endif %}			t	2026-11-27 12:24:32.696626+00	\N
6	invoice_issued	email	bn	{{ isp_name }} থেকে বিল {{ invoice_number }}	প্রিয় {{ customer_name }},\n\n{{ issue_date }} তারিখে আপনার {{ amount }} মূল্যের বিল {{ invoice_number }} ইস্যু করা হয়েছে।\n{% if amount_due %}পরিশোধযোগ্য: {{ amount_due }}, শেষ তারিখ {{ due_date }}।{% else %}এটি আপনার অ্যাকাউন্টের জমা থেকে পরিশোধ করা হয়েছে।{% endif %}\n\nঅ্যাকাউন্ট নম্বর: {{ account_number }}\nআপনার বিল ও রসিদ: {{ portal_url }}\n\n{{ isp_name }}{% if isp_phone %} · {{ isp_phone }}{% endif %}			t	2026-11-27 12:24:32.696632+00	\N
7	payment_received	sms	en		Dear {{ customer_name }}, we received {{ amount }} by {{ payment_method }} on {{ payment_date }}. Receipt {{ receipt_number }}.{% if amount_due %} Still due: {{ amount_due }}.{% endif %} Thank you! - {{ isp_name }}			t	2026-11-27 12:24:32.696638+00	\N
8	payment_received	sms	bn		প্রিয় {{ customer_name }}, {{ payment_date }} তারিখে {{ payment_method }}-এর মাধ্যমে {{ amount }} পেয়েছি। রসিদ {{ receipt_number }}।{% if amount_due %} বকেয়া: {{ amount_due }}।{% endif %} ধন্যবাদ! - {{ isp_name }}			t	2026-11-27 12:24:32.696644+00	\N
9	payment_received	whatsapp	en		Dear {{ customer_name }}, we received {{ amount }} by {{ payment_method }} on {{ payment_date }}. Receipt {{ receipt_number }}.{% if amount_due %} Still due: {{ amount_due }}.{% endif %} Thank you! - {{ isp_name }}			t	2026-11-27 12:24:32.69665+00	\N
10	payment_received	whatsapp	bn		প্রিয় {{ customer_name }}, {{ payment_date }} তারিখে {{ payment_method }}-এর মাধ্যমে {{ amount }} পেয়েছি। রসিদ {{ receipt_number }}।{% if amount_due %} বকেয়া: {{ amount_due }}।{% endif %} ধন্যবাদ! - {{ isp_name }}			t	2026-11-27 12:24:32.696657+00	\N
11	payment_received	email	en	Receipt {{ receipt_number }}: {{ amount }} received	Dear {{ customer_name }},\n\nThank you: we received {{ amount }} by {{ payment_method }} on {{ payment_date }}.\nReceipt number: {{ receipt_number }}\n{% if amount_due %}Still due on your account: {{ amount_due }}.{% else %}Nothing is due on your account.{% endif %}{% if paid_through %}\nYour connection is paid through {{ paid_through }}.{% endif %}\n\nYour receipts: {{ portal_url }}\n\n{{ isp_name }}{% if isp_phone %} · {{ isp_phone }}{% endif %}			t	2026-11-27 12:24:32.696663+00	\N
12	payment_received	email	bn	রসিদ {{ receipt_number }}: {{ amount }} গৃহীত	প্রিয় {{ customer_name }},\n\nধন্যবাদ: {{ payment_date }} তারিখে {{ payment_method }}-এর মাধ্যমে {{ amount }} পেয়েছি।\nরসিদ নম্বর: {{ receipt_number }}\n{% if amount_due %}আপনার অ্যাকাউন্টে এখনও বকেয়া: {{ amount_due }}।{% else %}আপনার অ্যাকাউন্টে কোনো বকেয়া নেই।{% endif %}{% if paid_through %}\nআপনার সংযোগ {{ paid_through }} পর্যন্ত পরিশোধিত।{% endif %}\n\nআপনার রসিদ: {{ portal_url }}\n\n{{ isp_name }}{% if isp_phone %} · {{ isp_phone }}{% endif %}			t	2026-11-27 12:24:32.696669+00	\N
13	due_reminder	sms	en		Dear {{ customer_name }}, reminder: {{ amount_due }} for invoice {{ invoice_number }} is due on {{ due_date }} ({{ days_left }} days left). Please pay to stay connected. - {{ isp_name }}			t	2026-11-27 12:24:32.696675+00	\N
14	due_reminder	sms	bn		প্রিয় {{ customer_name }}, বিল {{ invoice_number }} এর {{ amount_due }} পরিশোধের শেষ তারিখ {{ due_date }} (আর {{ days_left }} দিন বাকি)। সংযোগ চালু রাখতে অনুগ্রহ করে পরিশোধ করুন। - {{ isp_name }}			t	2026-11-27 12:24:32.696681+00	\N
15	due_reminder	whatsapp	en		Dear {{ customer_name }}, reminder: {{ amount_due }} for invoice {{ invoice_number }} is due on {{ due_date }} ({{ days_left }} days left). Please pay to stay connected. - {{ isp_name }}			t	2026-11-27 12:24:32.696686+00	\N
16	due_reminder	whatsapp	bn		প্রিয় {{ customer_name }}, বিল {{ invoice_number }} এর {{ amount_due }} পরিশোধের শেষ তারিখ {{ due_date }} (আর {{ days_left }} দিন বাকি)। সংযোগ চালু রাখতে অনুগ্রহ করে পরিশোধ করুন। - {{ isp_name }}			t	2026-11-27 12:24:32.696692+00	\N
17	due_reminder	email	en	Reminder: {{ amount_due }} due on {{ due_date }}	Dear {{ customer_name }},\n\nThis is a friendly reminder that {{ amount_due }} for invoice {{ invoice_number }} is due on {{ due_date }}, in {{ days_left }} days.\nPlease pay on time to keep your connection running.\n\nAccount number: {{ account_number }}\n{{ portal_url }}\n\n{{ isp_name }}{% if isp_phone %} · {{ isp_phone }}{% endif %}			t	2026-11-27 12:24:32.696698+00	\N
18	due_reminder	email	bn	স্মরণ: {{ due_date }} তারিখের মধ্যে {{ amount_due }} পরিশোধ করুন	প্রিয় {{ customer_name }},\n\nস্মরণ করিয়ে দিচ্ছি, বিল {{ invoice_number }} এর {{ amount_due }} পরিশোধের শেষ তারিখ {{ due_date }}, আর {{ days_left }} দিন বাকি।\nসংযোগ চালু রাখতে অনুগ্রহ করে সময়মতো পরিশোধ করুন।\n\nঅ্যাকাউন্ট নম্বর: {{ account_number }}\n{{ portal_url }}\n\n{{ isp_name }}{% if isp_phone %} · {{ isp_phone }}{% endif %}			t	2026-11-27 12:24:32.696704+00	\N
19	overdue	sms	en		Dear {{ customer_name }}, invoice {{ invoice_number }} ({{ amount_due }}) was due on {{ due_date }} and is overdue. Please pay now to avoid suspension. - {{ isp_name }}			t	2026-11-27 12:24:32.69671+00	\N
20	overdue	sms	bn		প্রিয় {{ customer_name }}, বিল {{ invoice_number }} ({{ amount_due }}) পরিশোধের তারিখ {{ due_date }} পেরিয়ে গেছে। সংযোগ বিচ্ছিন্ন হওয়া এড়াতে এখনই পরিশোধ করুন। - {{ isp_name }}			t	2026-11-27 12:24:32.696715+00	\N
21	overdue	whatsapp	en		Dear {{ customer_name }}, invoice {{ invoice_number }} ({{ amount_due }}) was due on {{ due_date }} and is overdue. Please pay now to avoid suspension. - {{ isp_name }}			t	2026-11-27 12:24:32.696721+00	\N
22	overdue	whatsapp	bn		প্রিয় {{ customer_name }}, বিল {{ invoice_number }} ({{ amount_due }}) পরিশোধের তারিখ {{ due_date }} পেরিয়ে গেছে। সংযোগ বিচ্ছিন্ন হওয়া এড়াতে এখনই পরিশোধ করুন। - {{ isp_name }}			t	2026-11-27 12:24:32.696727+00	\N
23	overdue	email	en	Overdue: invoice {{ invoice_number }}	Dear {{ customer_name }},\n\nInvoice {{ invoice_number }} was due on {{ due_date }} and {{ amount_due }} is still unpaid.\nPlease pay as soon as possible: unpaid connections are suspended after the grace period.\n\nAccount number: {{ account_number }}\n{{ portal_url }}\n\n{{ isp_name }}{% if isp_phone %} · {{ isp_phone }}{% endif %}			t	2026-11-27 12:24:32.696733+00	\N
24	overdue	email	bn	বকেয়া: বিল {{ invoice_number }}	প্রিয় {{ customer_name }},\n\nবিল {{ invoice_number }} পরিশোধের তারিখ ছিল {{ due_date }}; এখনও {{ amount_due }} বকেয়া।\nঅনুগ্রহ করে যত দ্রুত সম্ভব পরিশোধ করুন: নির্ধারিত সময়ের পর অপরিশোধিত সংযোগ বন্ধ করা হয়।\n\nঅ্যাকাউন্ট নম্বর: {{ account_number }}\n{{ portal_url }}\n\n{{ isp_name }}{% if isp_phone %} · {{ isp_phone }}{% endif %}			t	2026-11-27 12:24:32.696738+00	\N
25	suspended	sms	en		Dear {{ customer_name }}, your connection {{ login }} is suspended{% if non_payment %} for non-payment. Please pay {{ amount_due }} to reconnect{% endif %}.{% if isp_phone %} Help: {{ isp_phone }}.{% endif %} - {{ isp_name }}			t	2026-11-27 12:24:32.696744+00	\N
26	suspended	sms	bn		প্রিয় {{ customer_name }}, আপনার সংযোগ {{ login }} সাময়িকভাবে বন্ধ করা হয়েছে{% if non_payment %} বিল বকেয়া থাকায়। পুনরায় চালু করতে {{ amount_due }} পরিশোধ করুন{% endif %}।{% if isp_phone %} সহায়তা: {{ isp_phone }}।{% endif %} - {{ isp_name }}			t	2026-11-27 12:24:32.69675+00	\N
27	suspended	whatsapp	en		Dear {{ customer_name }}, your connection {{ login }} is suspended{% if non_payment %} for non-payment. Please pay {{ amount_due }} to reconnect{% endif %}.{% if isp_phone %} Help: {{ isp_phone }}.{% endif %} - {{ isp_name }}			t	2026-11-27 12:24:32.696756+00	\N
28	suspended	whatsapp	bn		প্রিয় {{ customer_name }}, আপনার সংযোগ {{ login }} সাময়িকভাবে বন্ধ করা হয়েছে{% if non_payment %} বিল বকেয়া থাকায়। পুনরায় চালু করতে {{ amount_due }} পরিশোধ করুন{% endif %}।{% if isp_phone %} সহায়তা: {{ isp_phone }}।{% endif %} - {{ isp_name }}			t	2026-11-27 12:24:32.696762+00	\N
29	suspended	email	en	Your connection {{ login }} is suspended	Dear {{ customer_name }},\n\nYour connection {{ login }} ({{ package_name }}) has been suspended.\n{% if non_payment %}The reason is an unpaid balance of {{ amount_due }}. It is reconnected automatically as soon as your payment is received.{% else %}Reason: {{ suspension_reason }}.{% endif %}\n\nAccount number: {{ account_number }}\n{{ portal_url }}\n\n{{ isp_name }}{% if isp_phone %} · {{ isp_phone }}{% endif %}			t	2026-11-27 12:24:32.696768+00	\N
30	suspended	email	bn	আপনার সংযোগ {{ login }} বন্ধ করা হয়েছে	প্রিয় {{ customer_name }},\n\nআপনার সংযোগ {{ login }} ({{ package_name }}) সাময়িকভাবে বন্ধ করা হয়েছে।\n{% if non_payment %}কারণ: {{ amount_due }} বকেয়া। পেমেন্ট পাওয়ামাত্র সংযোগ স্বয়ংক্রিয়ভাবে চালু হবে।{% else %}কারণ: {{ suspension_reason }}।{% endif %}\n\nঅ্যাকাউন্ট নম্বর: {{ account_number }}\n{{ portal_url }}\n\n{{ isp_name }}{% if isp_phone %} · {{ isp_phone }}{% endif %}			t	2026-11-27 12:24:32.696774+00	\N
31	reactivated	sms	en		Dear {{ customer_name }}, your connection {{ login }} ({{ package_name }}) is active again.{% if paid_through %} Paid through {{ paid_through }}.{% endif %} Thank you! - {{ isp_name }}			t	2026-11-27 12:24:32.69678+00	\N
32	reactivated	sms	bn		প্রিয় {{ customer_name }}, আপনার সংযোগ {{ login }} ({{ package_name }}) আবার চালু হয়েছে।{% if paid_through %} {{ paid_through }} পর্যন্ত পরিশোধিত।{% endif %} ধন্যবাদ! - {{ isp_name }}			t	2026-11-27 12:24:32.696786+00	\N
33	reactivated	whatsapp	en		Dear {{ customer_name }}, your connection {{ login }} ({{ package_name }}) is active again.{% if paid_through %} Paid through {{ paid_through }}.{% endif %} Thank you! - {{ isp_name }}			t	2026-11-27 12:24:32.696792+00	\N
34	reactivated	whatsapp	bn		প্রিয় {{ customer_name }}, আপনার সংযোগ {{ login }} ({{ package_name }}) আবার চালু হয়েছে।{% if paid_through %} {{ paid_through }} পর্যন্ত পরিশোধিত।{% endif %} ধন্যবাদ! - {{ isp_name }}			t	2026-11-27 12:24:32.696797+00	\N
35	reactivated	email	en	Your connection {{ login }} is active again	Dear {{ customer_name }},\n\nYour connection {{ login }} ({{ package_name }}) is active again.{% if paid_through %}\nIt is paid through {{ paid_through }}.{% endif %}\n\nThank you for staying with us.\n\n{{ isp_name }}{% if isp_phone %} · {{ isp_phone }}{% endif %}			t	2026-11-27 12:24:32.696803+00	\N
36	reactivated	email	bn	আপনার সংযোগ {{ login }} আবার চালু হয়েছে	প্রিয় {{ customer_name }},\n\nআপনার সংযোগ {{ login }} ({{ package_name }}) আবার চালু হয়েছে।{% if paid_through %}\nএটি {{ paid_through }} পর্যন্ত পরিশোধিত।{% endif %}\n\nআমাদের সাথে থাকার জন্য ধন্যবাদ।\n\n{{ isp_name }}{% if isp_phone %} · {{ isp_phone }}{% endif %}			t	2026-11-27 12:24:32.696809+00	\N
37	package_change_decided	sms	en		Dear {{ customer_name }}, your change from {{ old_package }} to {{ new_package }} is {% if approved %}approved{% if effective_date %}, effective {{ effective_date }}{% endif %}{% else %}not approved{% endif %}.{% if note %} {{ note }}{% endif %} - {{ isp_name }}			t	2026-11-27 12:24:32.696815+00	\N
38	package_change_decided	sms	bn		প্রিয় {{ customer_name }}, {{ old_package }} থেকে {{ new_package }} প্যাকেজে পরিবর্তনের অনুরোধ {% if approved %}অনুমোদিত হয়েছে{% if effective_date %}, কার্যকর {{ effective_date }} থেকে{% endif %}{% else %}অনুমোদিত হয়নি{% endif %}।{% if note %} {{ note }}{% endif %} - {{ isp_name }}			t	2026-11-27 12:24:32.696821+00	\N
39	package_change_decided	whatsapp	en		Dear {{ customer_name }}, your change from {{ old_package }} to {{ new_package }} is {% if approved %}approved{% if effective_date %}, effective {{ effective_date }}{% endif %}{% else %}not approved{% endif %}.{% if note %} {{ note }}{% endif %} - {{ isp_name }}			t	2026-11-27 12:24:32.696826+00	\N
40	package_change_decided	whatsapp	bn		প্রিয় {{ customer_name }}, {{ old_package }} থেকে {{ new_package }} প্যাকেজে পরিবর্তনের অনুরোধ {% if approved %}অনুমোদিত হয়েছে{% if effective_date %}, কার্যকর {{ effective_date }} থেকে{% endif %}{% else %}অনুমোদিত হয়নি{% endif %}।{% if note %} {{ note }}{% endif %} - {{ isp_name }}			t	2026-11-27 12:24:32.696832+00	\N
41	package_change_decided	email	en	Package change {% if approved %}approved{% else %}not approved{% endif %}	Dear {{ customer_name }},\n\nYour request to change from {{ old_package }} to {{ new_package }} has {% if approved %}been approved.{% if effective_date %} The new package starts on {{ effective_date }}.{% endif %}{% else %}not been approved.{% endif %}{% if note %}\n\n{{ note }}{% endif %}\n\n{{ isp_name }}{% if isp_phone %} · {{ isp_phone }}{% endif %}			t	2026-11-27 12:24:32.696839+00	\N
42	package_change_decided	email	bn	প্যাকেজ পরিবর্তন {% if approved %}অনুমোদিত{% else %}অনুমোদিত হয়নি{% endif %}	প্রিয় {{ customer_name }},\n\n{{ old_package }} থেকে {{ new_package }} প্যাকেজে পরিবর্তনের আপনার অনুরোধ {% if approved %}অনুমোদিত হয়েছে।{% if effective_date %} নতুন প্যাকেজ {{ effective_date }} থেকে চালু হবে।{% endif %}{% else %}অনুমোদিত হয়নি।{% endif %}{% if note %}\n\n{{ note }}{% endif %}\n\n{{ isp_name }}{% if isp_phone %} · {{ isp_phone }}{% endif %}			t	2026-11-27 12:24:32.696845+00	\N
43	one_time_code	sms	en		{{ code }} is your {{ isp_name }} code. It expires in {{ minutes }} minutes. Never share it.			t	2026-11-27 12:24:32.696851+00	\N
44	one_time_code	sms	bn		{{ code }} আপনার {{ isp_name }} কোড। {{ minutes }} মিনিটের মধ্যে মেয়াদ শেষ হবে। কাউকে জানাবেন না।			t	2026-11-27 12:24:32.696856+00	\N
45	one_time_code	whatsapp	en		{{ code }} is your {{ isp_name }} code. It expires in {{ minutes }} minutes. Never share it.			t	2026-11-27 12:24:32.696862+00	\N
46	one_time_code	whatsapp	bn		{{ code }} আপনার {{ isp_name }} কোড। {{ minutes }} মিনিটের মধ্যে মেয়াদ শেষ হবে। কাউকে জানাবেন না।			t	2026-11-27 12:24:32.696868+00	\N
47	one_time_code	email	en	Your {{ isp_name }} code: {{ code }}	Your code is {{ code }}. It expires in {{ minutes }} minutes.\n\nIf you did not ask for it, ignore this message; nothing changes without the code.\n\n{{ isp_name }}			t	2026-11-27 12:24:32.696874+00	\N
48	one_time_code	email	bn	আপনার {{ isp_name }} কোড: {{ code }}	আপনার কোড {{ code }}। {{ minutes }} মিনিটের মধ্যে মেয়াদ শেষ হবে।\n\nআপনি না চেয়ে থাকলে এই বার্তাটি উপেক্ষা করুন; কোড ছাড়া কিছুই বদলাবে না।\n\n{{ isp_name }}			t	2026-11-27 12:24:32.69688+00	\N
49	job_late	sms	en		{{ isp_name }}: job {{ job_name }} has not succeeded {% if last_success %}since {{ last_success }}{% else %}yet{% endif %}. {{ jobs_url }}			t	2026-11-27 12:24:32.696886+00	\N
50	job_late	sms	bn		{{ isp_name }}: {{ job_name }} কাজটি {% if last_success %}{{ last_success }}-এর পর{% else %}এখনও{% endif %} সফলভাবে চলেনি। {{ jobs_url }}			t	2026-11-27 12:24:32.696892+00	\N
51	job_late	whatsapp	en		{{ isp_name }}: job {{ job_name }} has not succeeded {% if last_success %}since {{ last_success }}{% else %}yet{% endif %}. {{ jobs_url }}			t	2026-11-27 12:24:32.696898+00	\N
52	job_late	whatsapp	bn		{{ isp_name }}: {{ job_name }} কাজটি {% if last_success %}{{ last_success }}-এর পর{% else %}এখনও{% endif %} সফলভাবে চলেনি। {{ jobs_url }}			t	2026-11-27 12:24:32.696904+00	\N
53	job_late	email	en	Job {{ job_name }} did not run	The periodic job {{ job_name }} has had no successful run for more than {{ late_hours }} hours.\nLast success: {% if last_success %}{{ last_success }}{% else %}never{% endif %}\n{% if last_error %}Last error: {{ last_error }}\n{% endif %}\nThe job log and "Run again": {{ jobs_url }}\n\n{{ isp_name }}			t	2026-11-27 12:24:32.69691+00	\N
54	job_late	email	bn	{{ job_name }} কাজটি চলেনি	নিয়মিত কাজ {{ job_name }} {{ late_hours }} ঘণ্টার বেশি সময় সফলভাবে চলেনি।\nশেষ সফল: {% if last_success %}{{ last_success }}{% else %}কখনও নয়{% endif %}\n{% if last_error %}শেষ ত্রুটি: {{ last_error }}\n{% endif %}\nকাজের লগ ও "আবার চালান": {{ jobs_url }}\n\n{{ isp_name }}			t	2026-11-27 12:24:32.696915+00	\N
55	autopay_upcoming	sms	en		Dear {{ customer_name }}, on {{ charge_date }} we will charge {{ amount }} for {{ invoice_number }} to your bKash {{ wallet }} (auto-pay). - {{ isp_name }}			t	2026-11-27 12:24:32.696921+00	\N
56	autopay_upcoming	sms	bn		প্রিয় {{ customer_name }}, {{ charge_date }} তারিখে {{ invoice_number }}-এর {{ amount }} আপনার বিকাশ {{ wallet }} থেকে কাটা হবে (অটো-পে)। - {{ isp_name }}			t	2026-11-27 12:24:32.696927+00	\N
57	autopay_upcoming	whatsapp	en		Dear {{ customer_name }}, on {{ charge_date }} we will charge {{ amount }} for {{ invoice_number }} to your bKash {{ wallet }} (auto-pay). - {{ isp_name }}			t	2026-11-27 12:24:32.696933+00	\N
58	autopay_upcoming	whatsapp	bn		প্রিয় {{ customer_name }}, {{ charge_date }} তারিখে {{ invoice_number }}-এর {{ amount }} আপনার বিকাশ {{ wallet }} থেকে কাটা হবে (অটো-পে)। - {{ isp_name }}			t	2026-11-27 12:24:32.696939+00	\N
59	autopay_upcoming	email	en	Auto-pay: {{ amount }} on {{ charge_date }}	Dear {{ customer_name }},\n\nOn {{ charge_date }} auto-pay will charge {{ amount }} for invoice {{ invoice_number }} to your bKash wallet {{ wallet }}.\nYou can turn auto-pay off in the portal.\n\n{{ isp_name }}{% if isp_phone %} · {{ isp_phone }}{% endif %}			t	2026-11-27 12:24:32.696945+00	\N
60	autopay_upcoming	email	bn	অটো-পে: {{ charge_date }} তারিখে {{ amount }}	প্রিয় {{ customer_name }},\n\n{{ charge_date }} তারিখে অটো-পে {{ invoice_number }} চালানের {{ amount }} আপনার বিকাশ {{ wallet }} থেকে কাটবে।\nপোর্টাল থেকে অটো-পে বন্ধ করতে পারবেন।\n\n{{ isp_name }}{% if isp_phone %} · {{ isp_phone }}{% endif %}			t	2026-11-27 12:24:32.696951+00	\N
61	autopay_failed	sms	en		Dear {{ customer_name }}, auto-pay could not charge {{ amount }} for {{ invoice_number }} ({{ reason }}). Please pay here: {{ pay_url }} - {{ isp_name }}			t	2026-11-27 12:24:32.696958+00	\N
62	autopay_failed	sms	bn		প্রিয় {{ customer_name }}, অটো-পে {{ invoice_number }}-এর {{ amount }} কাটতে পারেনি ({{ reason }})। এখানে পরিশোধ করুন: {{ pay_url }} - {{ isp_name }}			t	2026-11-27 12:24:32.696964+00	\N
63	autopay_failed	whatsapp	en		Dear {{ customer_name }}, auto-pay could not charge {{ amount }} for {{ invoice_number }} ({{ reason }}). Please pay here: {{ pay_url }} - {{ isp_name }}			t	2026-11-27 12:24:32.69697+00	\N
64	autopay_failed	whatsapp	bn		প্রিয় {{ customer_name }}, অটো-পে {{ invoice_number }}-এর {{ amount }} কাটতে পারেনি ({{ reason }})। এখানে পরিশোধ করুন: {{ pay_url }} - {{ isp_name }}			t	2026-11-27 12:24:32.696976+00	\N
65	autopay_failed	email	en	Auto-pay failed for {{ invoice_number }}	Dear {{ customer_name }},\n\nAuto-pay could not charge {{ amount }} for invoice {{ invoice_number }} to your bKash wallet {{ wallet }}: {{ reason }}. We have stopped trying.\nPlease pay in the portal: {{ pay_url }}\n\n{{ isp_name }}{% if isp_phone %} · {{ isp_phone }}{% endif %}			t	2026-11-27 12:24:32.696982+00	\N
66	autopay_failed	email	bn	{{ invoice_number }}-এর অটো-পে ব্যর্থ হয়েছে	প্রিয় {{ customer_name }},\n\nঅটো-পে {{ invoice_number }} চালানের {{ amount }} আপনার বিকাশ {{ wallet }} থেকে কাটতে পারেনি: {{ reason }}। আমরা আর চেষ্টা করছি না।\nপোর্টালে পরিশোধ করুন: {{ pay_url }}\n\n{{ isp_name }}{% if isp_phone %} · {{ isp_phone }}{% endif %}			t	2026-11-27 12:24:32.696988+00	\N
67	usage_warning	sms	en		Dear {{ customer_name }}, your connection {{ login }} has used {{ percent }}% of its {{ cap_gb }} GB ({{ used_gb }} GB) this cycle, which ends {{ cycle_end }}.{% if fup_speed %} Past the cap the speed is {{ fup_speed }} until then.{% endif %} - {{ isp_name }}			t	2026-11-27 12:24:32.696994+00	\N
68	usage_warning	sms	bn		প্রিয় {{ customer_name }}, আপনার সংযোগ {{ login }} এই চক্রে {{ cap_gb }} GB-এর {{ percent }}% ({{ used_gb }} GB) ব্যবহার করেছে; চক্র শেষ {{ cycle_end }}।{% if fup_speed %} সীমা পার হলে ততদিন গতি {{ fup_speed }} থাকবে।{% endif %} - {{ isp_name }}			t	2026-11-27 12:24:32.697+00	\N
69	usage_warning	whatsapp	en		Dear {{ customer_name }}, your connection {{ login }} has used {{ percent }}% of its {{ cap_gb }} GB ({{ used_gb }} GB) this cycle, which ends {{ cycle_end }}.{% if fup_speed %} Past the cap the speed is {{ fup_speed }} until then.{% endif %} - {{ isp_name }}			t	2026-11-27 12:24:32.697006+00	\N
70	usage_warning	whatsapp	bn		প্রিয় {{ customer_name }}, আপনার সংযোগ {{ login }} এই চক্রে {{ cap_gb }} GB-এর {{ percent }}% ({{ used_gb }} GB) ব্যবহার করেছে; চক্র শেষ {{ cycle_end }}।{% if fup_speed %} সীমা পার হলে ততদিন গতি {{ fup_speed }} থাকবে।{% endif %} - {{ isp_name }}			t	2026-11-27 12:24:32.697012+00	\N
71	usage_warning	email	en	{{ percent }}% of your data used on {{ login }}	Dear {{ customer_name }},\n\nYour connection {{ login }} ({{ package_name }}) has used {{ used_gb }} GB, {{ percent }}% of its {{ cap_gb }} GB fair-usage allowance for the cycle ending {{ cycle_end }}.\n{% if fup_speed %}Once the allowance is used up the speed is reduced to {{ fup_speed }} until the cycle ends.\n{% endif %}\nYour usage, day by day: {{ portal_url }}\n\n{{ isp_name }}{% if isp_phone %} · {{ isp_phone }}{% endif %}			t	2026-11-27 12:24:32.697018+00	\N
72	usage_warning	email	bn	{{ login }}: ডেটার {{ percent }}% ব্যবহার হয়েছে	প্রিয় {{ customer_name }},\n\nআপনার সংযোগ {{ login }} ({{ package_name }}) {{ cycle_end }} পর্যন্ত চক্রের {{ cap_gb }} GB-এর মধ্যে {{ used_gb }} GB ({{ percent }}%) ব্যবহার করেছে।\n{% if fup_speed %}সীমা শেষ হলে চক্রের বাকি সময় গতি {{ fup_speed }} থাকবে।\n{% endif %}\nদিনভিত্তিক ব্যবহার: {{ portal_url }}\n\n{{ isp_name }}{% if isp_phone %} · {{ isp_phone }}{% endif %}			t	2026-11-27 12:24:32.697024+00	\N
73	usage_fup_throttled	sms	en		Dear {{ customer_name }}, your connection {{ login }} has used its {{ cap_gb }} GB for this cycle. The speed is {{ fup_speed }} until {{ cycle_end }}; full speed returns after that. - {{ isp_name }}			t	2026-11-27 12:24:32.69703+00	\N
74	usage_fup_throttled	sms	bn		প্রিয় {{ customer_name }}, আপনার সংযোগ {{ login }} এই চক্রের {{ cap_gb }} GB ব্যবহার করেছে। {{ cycle_end }} পর্যন্ত গতি {{ fup_speed }}; এরপর পূর্ণ গতি ফিরবে। - {{ isp_name }}			t	2026-11-27 12:24:32.697036+00	\N
75	usage_fup_throttled	whatsapp	en		Dear {{ customer_name }}, your connection {{ login }} has used its {{ cap_gb }} GB for this cycle. The speed is {{ fup_speed }} until {{ cycle_end }}; full speed returns after that. - {{ isp_name }}			t	2026-11-27 12:24:32.697042+00	\N
76	usage_fup_throttled	whatsapp	bn		প্রিয় {{ customer_name }}, আপনার সংযোগ {{ login }} এই চক্রের {{ cap_gb }} GB ব্যবহার করেছে। {{ cycle_end }} পর্যন্ত গতি {{ fup_speed }}; এরপর পূর্ণ গতি ফিরবে। - {{ isp_name }}			t	2026-11-27 12:24:32.697048+00	\N
77	usage_fup_throttled	email	en	Data cap reached on {{ login }}	Dear {{ customer_name }},\n\nYour connection {{ login }} ({{ package_name }}) has used {{ used_gb }} GB, its whole {{ cap_gb }} GB allowance for the cycle ending {{ cycle_end }}. Until then it runs at {{ fup_speed }}; the full speed returns when the next cycle starts.\n\nYour usage: {{ portal_url }}\n\n{{ isp_name }}{% if isp_phone %} · {{ isp_phone }}{% endif %}			t	2026-11-27 12:24:32.697054+00	\N
78	usage_fup_throttled	email	bn	{{ login }}: ডেটা সীমা শেষ	প্রিয় {{ customer_name }},\n\nআপনার সংযোগ {{ login }} ({{ package_name }}) {{ cycle_end }} পর্যন্ত চক্রের পুরো {{ cap_gb }} GB ({{ used_gb }} GB) ব্যবহার করেছে। চক্র শেষ হওয়া পর্যন্ত গতি {{ fup_speed }}; পরের চক্রে পূর্ণ গতি ফিরবে।\n\nআপনার ব্যবহার: {{ portal_url }}\n\n{{ isp_name }}{% if isp_phone %} · {{ isp_phone }}{% endif %}			t	2026-11-27 12:24:32.697061+00	\N
79	outage_declared	sms	en		Dear {{ customer_name }}, service interruption: {{ outage_title }}. Our team is working on it.{% if estimated_restoration %} Expected back by {{ estimated_restoration }}.{% endif %} Sorry for the trouble. - {{ isp_name }}			t	2026-11-27 12:24:32.697067+00	\N
80	outage_declared	sms	bn		প্রিয় {{ customer_name }}, সেবা বিঘ্নিত: {{ outage_title }}। আমাদের দল কাজ করছে।{% if estimated_restoration %} আনুমানিক {{ estimated_restoration }} এর মধ্যে ঠিক হবে।{% endif %} অসুবিধার জন্য দুঃখিত। - {{ isp_name }}			t	2026-11-27 12:24:32.697073+00	\N
81	outage_declared	whatsapp	en		Dear {{ customer_name }}, service interruption: {{ outage_title }}. Our team is working on it.{% if estimated_restoration %} Expected back by {{ estimated_restoration }}.{% endif %} Sorry for the trouble. - {{ isp_name }}			t	2026-11-27 12:24:32.697079+00	\N
82	outage_declared	whatsapp	bn		প্রিয় {{ customer_name }}, সেবা বিঘ্নিত: {{ outage_title }}। আমাদের দল কাজ করছে।{% if estimated_restoration %} আনুমানিক {{ estimated_restoration }} এর মধ্যে ঠিক হবে।{% endif %} অসুবিধার জন্য দুঃখিত। - {{ isp_name }}			t	2026-11-27 12:24:32.697085+00	\N
83	outage_declared	email	en	Service interruption: {{ outage_title }}	Dear {{ customer_name }},\n\nInternet service in your area is interrupted since {{ outage_started }}: {{ outage_title }}.\n{% if outage_description %}\n{{ outage_description }}\n{% endif %}{% if estimated_restoration %}\nWe expect service back by {{ estimated_restoration }}.\n{% endif %}\nOur team is working on it and we will tell you when it is restored. You do not need to raise a ticket.\nStatus: {{ portal_url }}\n\n{{ isp_name }}{% if isp_phone %} · {{ isp_phone }}{% endif %}			t	2026-11-27 12:24:32.697091+00	\N
84	outage_declared	email	bn	সেবা বিঘ্নিত: {{ outage_title }}	প্রিয় {{ customer_name }},\n\n{{ outage_started }} থেকে আপনার এলাকায় ইন্টারনেট সেবা বিঘ্নিত: {{ outage_title }}।\n{% if outage_description %}\n{{ outage_description }}\n{% endif %}{% if estimated_restoration %}\nআনুমানিক {{ estimated_restoration }} এর মধ্যে সেবা ফিরবে।\n{% endif %}\nআমাদের দল কাজ করছে; সেবা ফিরলে আমরা জানাব। আলাদা অভিযোগ করার দরকার নেই।\nঅবস্থা: {{ portal_url }}\n\n{{ isp_name }}{% if isp_phone %} · {{ isp_phone }}{% endif %}			t	2026-11-27 12:24:32.697097+00	\N
85	outage_update	sms	en		Update on {{ outage_title }}: {{ update_message }}{% if estimated_restoration %} Expected back by {{ estimated_restoration }}.{% endif %} - {{ isp_name }}			t	2026-11-27 12:24:32.697103+00	\N
86	outage_update	sms	bn		{{ outage_title }} সম্পর্কে হালনাগাদ: {{ update_message }}{% if estimated_restoration %} আনুমানিক {{ estimated_restoration }} এর মধ্যে ঠিক হবে।{% endif %} - {{ isp_name }}			t	2026-11-27 12:24:32.697109+00	\N
87	outage_update	whatsapp	en		Update on {{ outage_title }}: {{ update_message }}{% if estimated_restoration %} Expected back by {{ estimated_restoration }}.{% endif %} - {{ isp_name }}			t	2026-11-27 12:24:32.697115+00	\N
88	outage_update	whatsapp	bn		{{ outage_title }} সম্পর্কে হালনাগাদ: {{ update_message }}{% if estimated_restoration %} আনুমানিক {{ estimated_restoration }} এর মধ্যে ঠিক হবে।{% endif %} - {{ isp_name }}			t	2026-11-27 12:24:32.697121+00	\N
89	outage_update	email	en	Update: {{ outage_title }}	Dear {{ customer_name }},\n\nAn update on the service interruption "{{ outage_title }}":\n\n{{ update_message }}\n{% if estimated_restoration %}\nWe now expect service back by {{ estimated_restoration }}.\n{% endif %}\n{{ isp_name }}{% if isp_phone %} · {{ isp_phone }}{% endif %}			t	2026-11-27 12:24:32.697127+00	\N
90	outage_update	email	bn	হালনাগাদ: {{ outage_title }}	প্রিয় {{ customer_name }},\n\n"{{ outage_title }}" সেবা বিঘ্ন সম্পর্কে হালনাগাদ:\n\n{{ update_message }}\n{% if estimated_restoration %}\nএখন আনুমানিক {{ estimated_restoration }} এর মধ্যে সেবা ফিরবে বলে আশা করছি।\n{% endif %}\n{{ isp_name }}{% if isp_phone %} · {{ isp_phone }}{% endif %}			t	2026-11-27 12:24:32.697133+00	\N
91	outage_restored	sms	en		Dear {{ customer_name }}, service is restored ({{ outage_title }}) since {{ restored_at }}. If you are still offline, please restart your router. - {{ isp_name }}			t	2026-11-27 12:24:32.697138+00	\N
92	outage_restored	sms	bn		প্রিয় {{ customer_name }}, {{ restored_at }} থেকে সেবা চালু হয়েছে ({{ outage_title }})। এখনও সংযোগ না পেলে রাউটারটি আবার চালু করুন। - {{ isp_name }}			t	2026-11-27 12:24:32.697144+00	\N
93	outage_restored	whatsapp	en		Dear {{ customer_name }}, service is restored ({{ outage_title }}) since {{ restored_at }}. If you are still offline, please restart your router. - {{ isp_name }}			t	2026-11-27 12:24:32.697151+00	\N
94	outage_restored	whatsapp	bn		প্রিয় {{ customer_name }}, {{ restored_at }} থেকে সেবা চালু হয়েছে ({{ outage_title }})। এখনও সংযোগ না পেলে রাউটারটি আবার চালু করুন। - {{ isp_name }}			t	2026-11-27 12:24:32.697157+00	\N
95	outage_restored	email	en	Service restored: {{ outage_title }}	Dear {{ customer_name }},\n\nService is restored since {{ restored_at }} after {{ outage_duration }} ({{ outage_title }}).\n{% if restoration_note %}\n{{ restoration_note }}\n{% endif %}\nIf you are still offline, please restart your router; if that does not help, raise a ticket: {{ portal_url }}\n\nThank you for your patience.\n{{ isp_name }}{% if isp_phone %} · {{ isp_phone }}{% endif %}			t	2026-11-27 12:24:32.697163+00	\N
96	outage_restored	email	bn	সেবা চালু হয়েছে: {{ outage_title }}	প্রিয় {{ customer_name }},\n\n{{ outage_duration }} পর {{ restored_at }} থেকে সেবা চালু হয়েছে ({{ outage_title }})।\n{% if restoration_note %}\n{{ restoration_note }}\n{% endif %}\nএখনও সংযোগ না পেলে রাউটারটি আবার চালু করুন; তাতেও না হলে অভিযোগ করুন: {{ portal_url }}\n\nধৈর্যের জন্য ধন্যবাদ।\n{{ isp_name }}{% if isp_phone %} · {{ isp_phone }}{% endif %}			t	2026-11-27 12:24:32.697169+00	\N
97	ticket_replied	sms	en		Dear {{ customer_name }}, we replied to ticket {{ ticket_number }}: {{ ticket_url }} - {{ isp_name }}			t	2026-11-27 12:24:32.697175+00	\N
98	ticket_replied	sms	bn		প্রিয় {{ customer_name }}, টিকিট {{ ticket_number }}-এ আমরা উত্তর দিয়েছি: {{ ticket_url }} - {{ isp_name }}			t	2026-11-27 12:24:32.697181+00	\N
99	ticket_replied	whatsapp	en		Dear {{ customer_name }}, we replied to ticket {{ ticket_number }}: {{ ticket_url }} - {{ isp_name }}			t	2026-11-27 12:24:32.697187+00	\N
100	ticket_replied	whatsapp	bn		প্রিয় {{ customer_name }}, টিকিট {{ ticket_number }}-এ আমরা উত্তর দিয়েছি: {{ ticket_url }} - {{ isp_name }}			t	2026-11-27 12:24:32.697193+00	\N
101	ticket_replied	email	en	Re: {{ ticket_subject }} [{{ ticket_number }}]	Dear {{ customer_name }},\n\n{{ reply }}\n\nRead and answer on the portal: {{ ticket_url }}\n\n{{ isp_name }}{% if isp_phone %} · {{ isp_phone }}{% endif %}			t	2026-11-27 12:24:32.697199+00	\N
102	ticket_replied	email	bn	উত্তর: {{ ticket_subject }} [{{ ticket_number }}]	প্রিয় {{ customer_name }},\n\n{{ reply }}\n\nপোর্টালে দেখুন ও উত্তর দিন: {{ ticket_url }}\n\n{{ isp_name }}{% if isp_phone %} · {{ isp_phone }}{% endif %}			t	2026-11-27 12:24:32.697205+00	\N
103	ticket_resolved	sms	en		Dear {{ customer_name }}, ticket {{ ticket_number }} is resolved. How did we do? Rate us 1-5: {{ ticket_url }} - {{ isp_name }}			t	2026-11-27 12:24:32.697211+00	\N
104	ticket_resolved	sms	bn		প্রিয় {{ customer_name }}, টিকিট {{ ticket_number }} সমাধান হয়েছে। আমাদের সেবা ১-৫ রেটিং দিন: {{ ticket_url }} - {{ isp_name }}			t	2026-11-27 12:24:32.697217+00	\N
105	ticket_resolved	whatsapp	en		Dear {{ customer_name }}, ticket {{ ticket_number }} is resolved. How did we do? Rate us 1-5: {{ ticket_url }} - {{ isp_name }}			t	2026-11-27 12:24:32.697223+00	\N
106	ticket_resolved	whatsapp	bn		প্রিয় {{ customer_name }}, টিকিট {{ ticket_number }} সমাধান হয়েছে। আমাদের সেবা ১-৫ রেটিং দিন: {{ ticket_url }} - {{ isp_name }}			t	2026-11-27 12:24:32.697229+00	\N
107	ticket_resolved	email	en	Resolved: {{ ticket_subject }} [{{ ticket_number }}]	Dear {{ customer_name }},\n\nYour ticket {{ ticket_number }} ({{ ticket_subject }}) is resolved.\nPlease tell us how we did — one to five stars and a comment if you like: {{ ticket_url }}\nIf the problem is back, you can reopen the ticket from the same page.\n\n{{ isp_name }}{% if isp_phone %} · {{ isp_phone }}{% endif %}			t	2026-11-27 12:24:32.697235+00	\N
108	ticket_resolved	email	bn	সমাধান হয়েছে: {{ ticket_subject }} [{{ ticket_number }}]	প্রিয় {{ customer_name }},\n\nআপনার টিকিট {{ ticket_number }} ({{ ticket_subject }}) সমাধান হয়েছে।\nআমাদের সেবা কেমন ছিল জানাতে এক থেকে পাঁচ তারকা দিন: {{ ticket_url }}\nসমস্যা আবার হলে একই পাতা থেকে টিকিটটি আবার খুলতে পারবেন।\n\n{{ isp_name }}{% if isp_phone %} · {{ isp_phone }}{% endif %}			t	2026-11-27 12:24:32.697241+00	\N
109	ticket_sla_warning	sms	en		SLA warning: {{ ticket_number }} {{ deadline_kind }} due {{ deadline }}{% if assignee_name %} ({{ assignee_name }}){% else %} (unassigned){% endif %}. {{ ticket_url }}			t	2026-11-27 12:24:32.697246+00	\N
110	ticket_sla_warning	sms	bn		SLA সতর্কতা: {{ ticket_number }} {{ deadline_kind }} সময়সীমা {{ deadline }}{% if assignee_name %} ({{ assignee_name }}){% else %} (কাউকে দেওয়া হয়নি){% endif %}। {{ ticket_url }}			t	2026-11-27 12:24:32.697253+00	\N
111	ticket_sla_warning	whatsapp	en		SLA warning: {{ ticket_number }} {{ deadline_kind }} due {{ deadline }}{% if assignee_name %} ({{ assignee_name }}){% else %} (unassigned){% endif %}. {{ ticket_url }}			t	2026-11-27 12:24:32.697258+00	\N
112	ticket_sla_warning	whatsapp	bn		SLA সতর্কতা: {{ ticket_number }} {{ deadline_kind }} সময়সীমা {{ deadline }}{% if assignee_name %} ({{ assignee_name }}){% else %} (কাউকে দেওয়া হয়নি){% endif %}। {{ ticket_url }}			t	2026-11-27 12:24:32.697264+00	\N
113	ticket_sla_warning	email	en	SLA warning: {{ ticket_number }} {{ deadline_kind }} due {{ deadline }}	The {{ deadline_kind }} deadline of ticket {{ ticket_number }} ({{ ticket_subject }}) passes at {{ deadline }}.\nCustomer: {{ customer_name }} ({{ account_number }})\nAssignee: {% if assignee_name %}{{ assignee_name }}{% else %}nobody yet{% endif %}\n\n{{ ticket_url }}			t	2026-11-27 12:24:32.69727+00	\N
114	ticket_sla_warning	email	bn	SLA সতর্কতা: {{ ticket_number }} {{ deadline_kind }} সময়সীমা {{ deadline }}	টিকিট {{ ticket_number }} ({{ ticket_subject }})-এর {{ deadline_kind }} সময়সীমা {{ deadline }}-এ শেষ হবে।\nগ্রাহক: {{ customer_name }} ({{ account_number }})\nদায়িত্বে: {% if assignee_name %}{{ assignee_name }}{% else %}এখনও কেউ নয়{% endif %}\n\n{{ ticket_url }}			t	2026-11-27 12:24:32.697276+00	\N
115	fieldservice_visit_scheduled	sms	en		Dear {{ customer_name }}, your {{ visit_kind }} visit ({{ order_number }}) is set for {{ visit_time }} with {{ technician_name }}. - {{ isp_name }}			t	2026-11-27 12:24:32.697282+00	\N
116	fieldservice_visit_scheduled	sms	bn		প্রিয় {{ customer_name }}, আপনার {{ visit_kind }} ভিজিট ({{ order_number }}) {{ visit_time }}-এ নির্ধারিত, টেকনিশিয়ান {{ technician_name }}। - {{ isp_name }}			t	2026-11-27 12:24:32.697289+00	\N
117	fieldservice_visit_scheduled	whatsapp	en		Dear {{ customer_name }}, your {{ visit_kind }} visit ({{ order_number }}) is set for {{ visit_time }} with {{ technician_name }}. - {{ isp_name }}			t	2026-11-27 12:24:32.697295+00	\N
118	fieldservice_visit_scheduled	whatsapp	bn		প্রিয় {{ customer_name }}, আপনার {{ visit_kind }} ভিজিট ({{ order_number }}) {{ visit_time }}-এ নির্ধারিত, টেকনিশিয়ান {{ technician_name }}। - {{ isp_name }}			t	2026-11-27 12:24:32.6973+00	\N
119	fieldservice_visit_scheduled	email	en	Visit scheduled: {{ visit_time }}	Dear {{ customer_name }},\n\nYour {{ visit_kind }} visit ({{ order_number }}) is set for {{ visit_time }}. Our technician {{ technician_name }} will come.\n\n{{ isp_name }}{% if isp_phone %} · {{ isp_phone }}{% endif %}			t	2026-11-27 12:24:32.697306+00	\N
120	fieldservice_visit_scheduled	email	bn	ভিজিট নির্ধারিত: {{ visit_time }}	প্রিয় {{ customer_name }},\n\nআপনার {{ visit_kind }} ভিজিট ({{ order_number }}) {{ visit_time }}-এ নির্ধারিত। আমাদের টেকনিশিয়ান {{ technician_name }} আসবেন।\n\n{{ isp_name }}{% if isp_phone %} · {{ isp_phone }}{% endif %}			t	2026-11-27 12:24:32.697312+00	\N
121	fieldservice_technician_en_route	sms	en		Dear {{ customer_name }}, {{ technician_name }}{% if technician_phone %} ({{ technician_phone }}){% endif %} is on the way for your {{ visit_kind }}. - {{ isp_name }}			t	2026-11-27 12:24:32.697318+00	\N
122	fieldservice_technician_en_route	sms	bn		প্রিয় {{ customer_name }}, {{ technician_name }}{% if technician_phone %} ({{ technician_phone }}){% endif %} আপনার {{ visit_kind }}-এর জন্য রওনা হয়েছেন। - {{ isp_name }}			t	2026-11-27 12:24:32.697324+00	\N
123	fieldservice_technician_en_route	whatsapp	en		Dear {{ customer_name }}, {{ technician_name }}{% if technician_phone %} ({{ technician_phone }}){% endif %} is on the way for your {{ visit_kind }}. - {{ isp_name }}			t	2026-11-27 12:24:32.69733+00	\N
124	fieldservice_technician_en_route	whatsapp	bn		প্রিয় {{ customer_name }}, {{ technician_name }}{% if technician_phone %} ({{ technician_phone }}){% endif %} আপনার {{ visit_kind }}-এর জন্য রওনা হয়েছেন। - {{ isp_name }}			t	2026-11-27 12:24:32.697336+00	\N
125	fieldservice_technician_en_route	email	en	Your technician is on the way	Dear {{ customer_name }},\n\n{{ technician_name }}{% if technician_phone %} ({{ technician_phone }}){% endif %} is on the way for your {{ visit_kind }} ({{ order_number }}).\n\n{{ isp_name }}{% if isp_phone %} · {{ isp_phone }}{% endif %}			t	2026-11-27 12:24:32.697342+00	\N
126	fieldservice_technician_en_route	email	bn	টেকনিশিয়ান রওনা হয়েছেন	প্রিয় {{ customer_name }},\n\n{{ technician_name }}{% if technician_phone %} ({{ technician_phone }}){% endif %} আপনার {{ visit_kind }} ({{ order_number }})-এর জন্য রওনা হয়েছেন।\n\n{{ isp_name }}{% if isp_phone %} · {{ isp_phone }}{% endif %}			t	2026-11-27 12:24:32.697348+00	\N
127	fieldservice_technician_assigned	sms	en		{{ order_number }}: {{ visit_kind }} at {{ visit_address }}, {{ visit_time }}. Open the technician app for details.			t	2026-11-27 12:24:32.697354+00	\N
128	fieldservice_technician_assigned	sms	bn		{{ order_number }}: {{ visit_kind }}, {{ visit_address }}, {{ visit_time }}। বিস্তারিত টেকনিশিয়ান অ্যাপে।			t	2026-11-27 12:24:32.69736+00	\N
129	fieldservice_technician_assigned	whatsapp	en		{{ order_number }}: {{ visit_kind }} at {{ visit_address }}, {{ visit_time }}. Open the technician app for details.			t	2026-11-27 12:24:32.697366+00	\N
130	fieldservice_technician_assigned	whatsapp	bn		{{ order_number }}: {{ visit_kind }}, {{ visit_address }}, {{ visit_time }}। বিস্তারিত টেকনিশিয়ান অ্যাপে।			t	2026-11-27 12:24:32.697372+00	\N
131	fieldservice_technician_assigned	email	en	{{ order_number }}: {{ visit_kind }} {{ visit_time }}	{{ order_number }}: {{ visit_kind }} at {{ visit_address }}, {{ visit_time }}.\n\n{{ isp_name }}{% if isp_phone %} · {{ isp_phone }}{% endif %}			t	2026-11-27 12:24:32.697378+00	\N
132	fieldservice_technician_assigned	email	bn	{{ order_number }}: {{ visit_kind }} {{ visit_time }}	{{ order_number }}: {{ visit_kind }}, {{ visit_address }}, {{ visit_time }}।\n\n{{ isp_name }}{% if isp_phone %} · {{ isp_phone }}{% endif %}			t	2026-11-27 12:24:32.697384+00	\N
133	reseller_wallet_low	sms	en		{{ reseller_name }}: your wallet balance is {{ balance }}{% if credit_used %} ({{ credit_used }}% of your credit used){% endif %}; {{ available }} left to renew with. Please top up. - {{ isp_name }}			t	2026-11-27 12:24:32.69739+00	\N
134	reseller_wallet_low	sms	bn		{{ reseller_name }}: আপনার ওয়ালেটের ব্যালান্স {{ balance }}{% if credit_used %} (ক্রেডিটের {{ credit_used }}% ব্যবহৃত){% endif %}; রিনিউ করার জন্য বাকি {{ available }}। অনুগ্রহ করে টপ-আপ করুন। - {{ isp_name }}			t	2026-11-27 12:24:32.697396+00	\N
135	reseller_wallet_low	whatsapp	en		{{ reseller_name }}: your wallet balance is {{ balance }}{% if credit_used %} ({{ credit_used }}% of your credit used){% endif %}; {{ available }} left to renew with. Please top up. - {{ isp_name }}			t	2026-11-27 12:24:32.697402+00	\N
136	reseller_wallet_low	whatsapp	bn		{{ reseller_name }}: আপনার ওয়ালেটের ব্যালান্স {{ balance }}{% if credit_used %} (ক্রেডিটের {{ credit_used }}% ব্যবহৃত){% endif %}; রিনিউ করার জন্য বাকি {{ available }}। অনুগ্রহ করে টপ-আপ করুন। - {{ isp_name }}			t	2026-11-27 12:24:32.697408+00	\N
137	reseller_wallet_low	email	en	{{ reseller_name }}: wallet balance {{ balance }}	{{ reseller_name }},\n\nYour wallet balance is {{ balance }}{% if credit_used %} ({{ credit_used }}% of your credit limit in use){% endif %}. You can renew customers for {{ available }} more.\nPlease top up your wallet.\n\n{{ isp_name }}			t	2026-11-27 12:24:32.697414+00	\N
138	reseller_wallet_low	email	bn	{{ reseller_name }}: ওয়ালেটের ব্যালান্স {{ balance }}	{{ reseller_name }},\n\nআপনার ওয়ালেটের ব্যালান্স {{ balance }}{% if credit_used %} (ক্রেডিট সীমার {{ credit_used }}% ব্যবহৃত){% endif %}। আর {{ available }} পর্যন্ত গ্রাহক রিনিউ করতে পারবেন।\nঅনুগ্রহ করে ওয়ালেট টপ-আপ করুন।\n\n{{ isp_name }}			t	2026-11-27 12:24:32.69742+00	\N
139	contract_sent	sms	en		Dear {{ customer_name }}, your contract {{ contract_number }} is ready to sign: {{ contract_url }} - {{ isp_name }}			t	2026-11-27 12:24:32.697426+00	\N
140	contract_sent	sms	bn		প্রিয় {{ customer_name }}, আপনার চুক্তি {{ contract_number }} স্বাক্ষরের জন্য প্রস্তুত: {{ contract_url }} - {{ isp_name }}			t	2026-11-27 12:24:32.697431+00	\N
141	contract_sent	whatsapp	en		Dear {{ customer_name }}, your contract {{ contract_number }} is ready to sign: {{ contract_url }} - {{ isp_name }}			t	2026-11-27 12:24:32.697437+00	\N
142	contract_sent	whatsapp	bn		প্রিয় {{ customer_name }}, আপনার চুক্তি {{ contract_number }} স্বাক্ষরের জন্য প্রস্তুত: {{ contract_url }} - {{ isp_name }}			t	2026-11-27 12:24:32.697443+00	\N
143	contract_sent	email	en	Please sign your contract {{ contract_number }}	Dear {{ customer_name }},\n\nYour contract {{ contract_number }} is ready. Read and sign it on the portal: {{ contract_url }}\n\n{{ isp_name }}			t	2026-11-27 12:24:32.697449+00	\N
144	contract_sent	email	bn	অনুগ্রহ করে আপনার চুক্তি {{ contract_number }} স্বাক্ষর করুন	প্রিয় {{ customer_name }},\n\nআপনার চুক্তি {{ contract_number }} প্রস্তুত। পোর্টালে পড়ুন ও স্বাক্ষর করুন: {{ contract_url }}\n\n{{ isp_name }}			t	2026-11-27 12:24:32.697455+00	\N
145	contract_renewal_reminder	sms	en		Dear {{ customer_name }}, contract {{ contract_number }} ends on {{ end_date }} (renews itself: {{ auto_renewal }}). Details: {{ contract_url }} - {{ isp_name }}			t	2026-11-27 12:24:32.697461+00	\N
146	contract_renewal_reminder	sms	bn		প্রিয় {{ customer_name }}, চুক্তি {{ contract_number }} শেষ হবে {{ end_date }} (স্বয়ংক্রিয় নবায়ন: {{ auto_renewal }})। বিস্তারিত: {{ contract_url }} - {{ isp_name }}			t	2026-11-27 12:24:32.697467+00	\N
147	contract_renewal_reminder	whatsapp	en		Dear {{ customer_name }}, contract {{ contract_number }} ends on {{ end_date }} (renews itself: {{ auto_renewal }}). Details: {{ contract_url }} - {{ isp_name }}			t	2026-11-27 12:24:32.697473+00	\N
148	contract_renewal_reminder	whatsapp	bn		প্রিয় {{ customer_name }}, চুক্তি {{ contract_number }} শেষ হবে {{ end_date }} (স্বয়ংক্রিয় নবায়ন: {{ auto_renewal }})। বিস্তারিত: {{ contract_url }} - {{ isp_name }}			t	2026-11-27 12:24:32.697479+00	\N
149	contract_renewal_reminder	email	en	Your contract {{ contract_number }} ends on {{ end_date }}	Dear {{ customer_name }},\n\nYour contract {{ contract_number }} ends on {{ end_date }}. Renews itself: {{ auto_renewal }}.\n{{ contract_url }}\n\n{{ isp_name }}			t	2026-11-27 12:24:32.697485+00	\N
150	contract_renewal_reminder	email	bn	আপনার চুক্তি {{ contract_number }} শেষ হবে {{ end_date }}	প্রিয় {{ customer_name }},\n\nআপনার চুক্তি {{ contract_number }} শেষ হবে {{ end_date }}। স্বয়ংক্রিয় নবায়ন: {{ auto_renewal }}।\n{{ contract_url }}\n\n{{ isp_name }}			t	2026-11-27 12:24:32.697491+00	\N
151	retention_message	sms	en		{{ message }} - {{ isp_name }}			t	2026-11-27 12:24:32.697497+00	\N
152	retention_message	sms	bn		{{ message }} - {{ isp_name }}			t	2026-11-27 12:24:32.697503+00	\N
153	retention_message	whatsapp	en		{{ message }} - {{ isp_name }}			t	2026-11-27 12:24:32.697509+00	\N
154	retention_message	whatsapp	bn		{{ message }} - {{ isp_name }}			t	2026-11-27 12:24:32.697515+00	\N
155	retention_message	email	en	A message from {{ isp_name }}	Dear {{ customer_name }},\n\n{{ message }}\n\n{{ isp_name }}			t	2026-11-27 12:24:32.697521+00	\N
156	retention_message	email	bn	{{ isp_name }}-এর বার্তা	প্রিয় {{ customer_name }},\n\n{{ message }}\n\n{{ isp_name }}			t	2026-11-27 12:24:32.697527+00	\N
157	wifi_signup_code	sms	en		{{ code }} is your {{ isp_name }} Wi-Fi code at {{ zone }}. It expires in {{ minutes }} minutes. Never share it.			t	2026-11-27 12:24:32.697533+00	\N
158	wifi_signup_code	sms	bn		{{ code }} আপনার {{ isp_name }} ওয়াই-ফাই কোড ({{ zone }})। {{ minutes }} মিনিটের মধ্যে মেয়াদ শেষ হবে। কাউকে জানাবেন না।			t	2026-11-27 12:24:32.697539+00	\N
159	wifi_signup_code	whatsapp	en		{{ code }} is your {{ isp_name }} Wi-Fi code at {{ zone }}. It expires in {{ minutes }} minutes. Never share it.			t	2026-11-27 12:24:32.697545+00	\N
160	wifi_signup_code	whatsapp	bn		{{ code }} আপনার {{ isp_name }} ওয়াই-ফাই কোড ({{ zone }})। {{ minutes }} মিনিটের মধ্যে মেয়াদ শেষ হবে। কাউকে জানাবেন না।			t	2026-11-27 12:24:32.697551+00	\N
161	wifi_signup_code	email	en	Your {{ isp_name }} Wi-Fi code: {{ code }}	Your code is {{ code }}. It expires in {{ minutes }} minutes.\n\n{{ isp_name }}			t	2026-11-27 12:24:32.697557+00	\N
162	wifi_signup_code	email	bn	আপনার {{ isp_name }} ওয়াই-ফাই কোড: {{ code }}	আপনার কোড {{ code }}। {{ minutes }} মিনিটের মধ্যে মেয়াদ শেষ হবে।\n\n{{ isp_name }}			t	2026-11-27 12:24:32.697562+00	\N
163	wifi_card_bought	sms	en		{{ isp_name }} Wi-Fi at {{ zone }}: {{ plan }}, code {{ card_code }}, valid until {{ valid_until }}. Paid {{ amount }}.			t	2026-11-27 12:24:32.697568+00	\N
164	wifi_card_bought	sms	bn		{{ isp_name }} ওয়াই-ফাই ({{ zone }}): {{ plan }}, কোড {{ card_code }}, মেয়াদ {{ valid_until }} পর্যন্ত। পরিশোধ {{ amount }}।			t	2026-11-27 12:24:32.697574+00	\N
165	wifi_card_bought	whatsapp	en		{{ isp_name }} Wi-Fi at {{ zone }}: {{ plan }}, code {{ card_code }}, valid until {{ valid_until }}. Paid {{ amount }}.			t	2026-11-27 12:24:32.69758+00	\N
166	wifi_card_bought	whatsapp	bn		{{ isp_name }} ওয়াই-ফাই ({{ zone }}): {{ plan }}, কোড {{ card_code }}, মেয়াদ {{ valid_until }} পর্যন্ত। পরিশোধ {{ amount }}।			t	2026-11-27 12:24:32.697586+00	\N
167	wifi_card_bought	email	en	Your {{ isp_name }} Wi-Fi code: {{ card_code }}	{{ plan }} at {{ zone }}: code {{ card_code }}, valid until {{ valid_until }}.\n\n{{ isp_name }}			t	2026-11-27 12:24:32.697592+00	\N
168	wifi_card_bought	email	bn	আপনার {{ isp_name }} ওয়াই-ফাই কোড: {{ card_code }}	{{ plan }} ({{ zone }}): কোড {{ card_code }}, মেয়াদ {{ valid_until }} পর্যন্ত।\n\n{{ isp_name }}			t	2026-11-27 12:24:32.697598+00	\N
\.


--
-- Data for Name: notify_notificationpreference; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.notify_notificationpreference (id, event, sms, whatsapp, email, updated_at, customer_id) FROM stdin;
\.


--
-- Data for Name: payments_autopay; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.payments_autopay (id, enabled, updated_at, customer_id) FROM stdin;
\.


--
-- Data for Name: payments_autopayattempt; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.payments_autopayattempt (id, status, tries, next_try_on, claimed_by, claimed_at, last_result, notified_before, created_at, updated_at, customer_id, gateway_payment_id, invoice_id) FROM stdin;
\.


--
-- Data for Name: payments_autopayrun; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.payments_autopayrun (id, day, worker, started_at, finished_at, counts) FROM stdin;
\.


--
-- Data for Name: payments_bkashagreement; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.payments_bkashagreement (id, link_payment_id, agreement_id, wallet_masked, status, is_primary, created_at, linked_at, removed_at, customer_id) FROM stdin;
\.


--
-- Data for Name: payments_bkashsettings; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.payments_bkashsettings (id, enabled, app_key, app_secret, username, password, base_url, fee_percent, fee_passed, updated_at, updated_by_id) FROM stdin;
\.


--
-- Data for Name: payments_bkashsettings_branches; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.payments_bkashsettings_branches (id, bkashsettings_id, branch_id) FROM stdin;
\.


--
-- Data for Name: payments_cashhandover; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.payments_cashhandover (id, amount, handed_over_at, note, created_at, branch_id, collector_id, received_by_id) FROM stdin;
\.


--
-- Data for Name: payments_gatewayevent; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.payments_gatewayevent (id, kind, outcome, data, at, gateway_payment_id) FROM stdin;
\.


--
-- Data for Name: payments_gatewaypayment; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.payments_gatewaypayment (id, tran_id, amount, currency, purpose, months, status, status_reason, sessionkey, gateway_url, val_id, bank_tran_id, card_type, method, risk_level, risk_title, created_at, paid_at, last_queried_at, customer_id, payment_id, reviewed_by_id, fee, fee_entry_id, fee_passed, gateway, agreement_id, card_sale_id) FROM stdin;
\.


--
-- Data for Name: payments_gatewaypayment_invoices; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.payments_gatewaypayment_invoices (id, gatewaypayment_id, invoice_id) FROM stdin;
\.


--
-- Data for Name: payments_gatewayrefund; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.payments_gatewayrefund (id, amount, reason, refe_id, refund_ref_id, status, requested_at, finished_at, last_polled_at, gateway_payment_id, requested_by_id, ledger_entry_id, request_key) FROM stdin;
\.


--
-- Data for Name: payments_gatewaysettings; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.payments_gatewaysettings (id, enabled, store_id, store_password, base_url, updated_at, updated_by_id, fee_passed, fee_percent) FROM stdin;
\.


--
-- Data for Name: payments_gatewaysettings_branches; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.payments_gatewaysettings_branches (id, gatewaysettings_id, branch_id) FROM stdin;
\.


--
-- Data for Name: payments_gatewaystatement; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.payments_gatewaystatement (id, gateway, day, filename, sha256, uploaded_at, uploaded_by_id) FROM stdin;
\.


--
-- Data for Name: payments_gatewaystatementline; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.payments_gatewaystatementline (id, txn_id, kind, at, amount, fee, reference, statement_id) FROM stdin;
\.


--
-- Data for Name: payments_nagadsettings; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.payments_nagadsettings (id, enabled, merchant_id, merchant_number, merchant_private_key, nagad_public_key, base_url, fee_percent, fee_passed, updated_at, updated_by_id) FROM stdin;
\.


--
-- Data for Name: payments_nagadsettings_branches; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.payments_nagadsettings_branches (id, nagadsettings_id, branch_id) FROM stdin;
\.


--
-- Data for Name: payments_pastpayment; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.payments_pastpayment (id, paid_on, amount, method, reference, note, imported_at, customer_id) FROM stdin;
\.


--
-- Data for Name: payments_payment; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.payments_payment (id, amount, method, reference, status, receipt_number, received_at, idempotency_key, note, reversal_reason, reversed_at, created_at, customer_id, received_by_id, reseller_id) FROM stdin;
\.


--
-- Data for Name: payments_queuedpayment; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.payments_queuedpayment (id, idempotency_key, amount, method, reference, received_at, note, refusal, queued_at, customer_id, payment_id) FROM stdin;
\.


--
-- Data for Name: payments_reconciliationitem; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.payments_reconciliationitem (id, gateway, day, key, kind, txn_id, our_amount, gateway_amount, gateway_fee, gateway_at, statement_kind, reference, detail, resolution, resolved_at, note, updated_at, gateway_payment_id, payment_id, resolved_by_id) FROM stdin;
\.


--
-- Data for Name: payments_reconciliationrun; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.payments_reconciliationrun (id, gateway, day, started_at, finished_at, counts, started_by_id, statement_id) FROM stdin;
\.


--
-- Data for Name: payments_vdsdeduction; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.payments_vdsdeduction (id, amount, deducted_on, certificate_number, certificate_date, certificate_recorded_at, created_at, certificate_recorded_by_id, created_by_id, customer_id, invoice_id, payment_id) FROM stdin;
\.


--
-- Data for Name: radius_bad_secret_drop; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.radius_bad_secret_drop (router_id, drops, first_at, last_at) FROM stdin;
\.


--
-- Data for Name: radius_login_state; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.radius_login_state (subscription_id, router_id, username, nt_hash, static_ip, status, connection_type, paid_through, grace_days, blocked_access, download_mbps, upload_mbps, burst_download_mbps, burst_upload_mbps, burst_threshold_percent, burst_time_seconds, pool, address_list, simultaneous_use, suspended_address_list, walled_garden_pool, ipv6_prefix, speed_address_list, speed_windowed) FROM stdin;
\.


--
-- Data for Name: radius_packageradius; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.radius_packageradius (package_id, burst_download_mbps, burst_upload_mbps, burst_threshold_percent, burst_time_seconds, pool, address_list, simultaneous_use) FROM stdin;
\.


--
-- Data for Name: radius_postauth; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.radius_postauth (id, username, accepted, reason, walled_garden, callingstationid, authdate, router_id, subscription_id, answer_id) FROM stdin;
\.


--
-- Data for Name: radius_radacct; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.radius_radacct (radacctid, acctsessionid, acctuniqueid, username, realm, nasipaddress, nasportid, nasporttype, acctstarttime, acctupdatetime, acctstoptime, acctinterval, acctsessiontime, acctauthentic, connectinfo_start, connectinfo_stop, acctinputoctets, acctoutputoctets, calledstationid, callingstationid, acctterminatecause, servicetype, framedprotocol, framedipaddress, router_id, subscription_id, counted_input_octets, counted_output_octets) FROM stdin;
\.


--
-- Data for Name: radius_router_reload; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.radius_router_reload (router_id, reloaded_at) FROM stdin;
\.


--
-- Data for Name: radius_servers_pushed; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.radius_servers_pushed (id, fingerprint, servers, pushed_at) FROM stdin;
\.


--
-- Data for Name: radius_session_log_default; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.radius_session_log_default (radacctid, acctsessionid, acctuniqueid, username, nasipaddress, nasportid, acctstarttime, acctstoptime, acctsessiontime, acctinputoctets, acctoutputoctets, calledstationid, callingstationid, acctterminatecause, framedipaddress, customer_id, router_id, subscription_id) FROM stdin;
\.


--
-- Data for Name: radius_session_log_p202610; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.radius_session_log_p202610 (radacctid, acctsessionid, acctuniqueid, username, nasipaddress, nasportid, acctstarttime, acctstoptime, acctsessiontime, acctinputoctets, acctoutputoctets, calledstationid, callingstationid, acctterminatecause, framedipaddress, customer_id, router_id, subscription_id) FROM stdin;
\.


--
-- Data for Name: radius_session_log_p202611; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.radius_session_log_p202611 (radacctid, acctsessionid, acctuniqueid, username, nasipaddress, nasportid, acctstarttime, acctstoptime, acctsessiontime, acctinputoctets, acctoutputoctets, calledstationid, callingstationid, acctterminatecause, framedipaddress, customer_id, router_id, subscription_id) FROM stdin;
\.


--
-- Data for Name: radius_session_log_p202612; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.radius_session_log_p202612 (radacctid, acctsessionid, acctuniqueid, username, nasipaddress, nasportid, acctstarttime, acctstoptime, acctsessiontime, acctinputoctets, acctoutputoctets, calledstationid, callingstationid, acctterminatecause, framedipaddress, customer_id, router_id, subscription_id) FROM stdin;
\.


--
-- Data for Name: radius_session_log_p202701; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.radius_session_log_p202701 (radacctid, acctsessionid, acctuniqueid, username, nasipaddress, nasportid, acctstarttime, acctstoptime, acctsessiontime, acctinputoctets, acctoutputoctets, calledstationid, callingstationid, acctterminatecause, framedipaddress, customer_id, router_id, subscription_id) FROM stdin;
\.


--
-- Data for Name: radius_session_log_p202702; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.radius_session_log_p202702 (radacctid, acctsessionid, acctuniqueid, username, nasipaddress, nasportid, acctstarttime, acctstoptime, acctsessiontime, acctinputoctets, acctoutputoctets, calledstationid, callingstationid, acctterminatecause, framedipaddress, customer_id, router_id, subscription_id) FROM stdin;
\.


--
-- Data for Name: resellers_commissionrule; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.resellers_commissionrule (id, percent, months, min_active_customers, package_id, reseller_id) FROM stdin;
\.


--
-- Data for Name: resellers_commissionstatement; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.resellers_commissionstatement (id, period, accrued, margin, clawed_back, paid_out, closed_at, closed_by_id, reseller_id) FROM stdin;
\.


--
-- Data for Name: resellers_payout; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.resellers_payout (id, amount, status, note, requested_at, decided_at, decision_note, decided_by_id, entry_id, requested_by_id, reseller_id) FROM stdin;
\.


--
-- Data for Name: resellers_renewal; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.resellers_renewal (id, period_start, period_end, price, idempotency_key, status, attempts, last_error, created_at, settled_at, created_by_id, entry_id, invoice_id, payment_id, reseller_id, subscription_id, parent_entry_id, parent_price) FROM stdin;
\.


--
-- Data for Name: resellers_reseller; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.resellers_reseller (id, name, phone, is_active, created_at, branch_id, user_id, address, contact_person, email, model, low_balance_alert, brand_on_documents, logo, sms_sender_id, parent_id, card_commission_percent, kind) FROM stdin;
\.


--
-- Data for Name: resellers_reseller_areas; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.resellers_reseller_areas (id, reseller_id, area_id) FROM stdin;
\.


--
-- Data for Name: resellers_resellerlogin; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.resellers_resellerlogin (id, role, created_at, reseller_id, user_id) FROM stdin;
\.


--
-- Data for Name: resellers_resellerpackage; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.resellers_resellerpackage (id, price, package_id, reseller_id) FROM stdin;
\.


--
-- Data for Name: tickets_holiday; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.tickets_holiday (id, date, name) FROM stdin;
\.


--
-- Data for Name: tickets_slapolicy; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.tickets_slapolicy (id, priority, category, response_minutes, resolution_minutes) FROM stdin;
1	urgent		30	240
2	high		60	480
3	normal		240	1080
4	low		480	2700
\.


--
-- Data for Name: tickets_supportsettings; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.tickets_supportsettings (id, workday_start, workday_end, working_days, reopen_days, warn_before_minutes) FROM stdin;
\.


--
-- Data for Name: tickets_survey; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.tickets_survey (id, asked_at, rating, comment, answered_at, agent_id, ticket_id, branch_id, customer_id, kind, subject) FROM stdin;
\.


--
-- Data for Name: tickets_ticket; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.tickets_ticket (id, number, category, priority, status, source, subject, description, created_at, updated_at, response_target_minutes, resolution_target_minutes, paused_minutes, paused_since, first_response_due, resolution_due, first_response_at, resolved_at, closed_at, response_breached_at, resolution_breached_at, breached, response_warned_at, resolution_warned_at, attachment, attachment_name, attachment_type, area_id, assignee_id, branch_id, created_by_id, customer_id) FROM stdin;
\.


--
-- Data for Name: tickets_ticketcomment; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.tickets_ticketcomment (id, by_customer, internal, body, created_at, author_id, ticket_id) FROM stdin;
\.


--
-- Data for Name: vouchers_batchcodes; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.vouchers_batchcodes (batch_id, sealed) FROM stdin;
\.


--
-- Data for Name: vouchers_cardloginkey; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.vouchers_cardloginkey (id, hmac_key, time_zone) FROM stdin;
1	\\x32663463666135326632353463323263613135326637666336343037333234393638623466343664306661663632343930333766623861613862333032316265	Asia/Dhaka
\.


--
-- Data for Name: vouchers_cardsession; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.vouchers_cardsession (acctuniqueid, counted_bytes, started_at, card_id) FROM stdin;
\.


--
-- Data for Name: vouchers_voucherbatch; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.vouchers_voucherbatch (id, number, count, first_serial, last_serial, status, unit_price, unused_expires_on, note, issued_at, commission_percent, unit_net, refunded_cards, created_at, status_changed_at, created_by_id, distributor_id, refund_entry_id, wallet_entry_id, plan_id, zone_id, channel, cards_made, failure, generation_attempt) FROM stdin;
\.


--
-- Data for Name: vouchers_vouchercard; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.vouchers_vouchercard (id, serial, code_hmac, state, sold_at, first_used_at, expires_at, data_used_bytes, devices, ended_at, block_reason, batch_id, used_zone_id, phone, remembered_mac, remembered_until, redeemed_at, redeemed_customer_id, redeemed_payment_id) FROM stdin;
\.


--
-- Data for Name: vouchers_voucherplan; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.vouchers_voucherplan (id, name, name_bn, duration, duration_unit, data_mb, download_kbps, upload_kbps, devices, price, valid_from, unused_days, is_active, created_at, speed_package_id) FROM stdin;
\.


--
-- Data for Name: vouchers_wifipurchase; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.vouchers_wifipurchase (id, token, phone, mac, login_url, dst, price, created_at, card_id, gateway_payment_id, plan_id, zone_id, language) FROM stdin;
\.


--
-- Data for Name: vouchers_wifisignupcode; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.vouchers_wifisignupcode (id, phone, code_hash, attempts, created_at, expires_at, used_at, zone_id) FROM stdin;
\.


--
-- Data for Name: vouchers_wifizone; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.vouchers_wifizone (id, name, is_active, created_at, area_id, router_id, remember_mac, sells_online) FROM stdin;
\.


--
-- Name: accounts_customersession_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.accounts_customersession_id_seq', 1, false);


--
-- Name: accounts_onetimecode_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.accounts_onetimecode_id_seq', 1, false);


--
-- Name: accounts_user_branches_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.accounts_user_branches_id_seq', 1, false);


--
-- Name: accounts_user_groups_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.accounts_user_groups_id_seq', 1, false);


--
-- Name: accounts_user_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.accounts_user_id_seq', 1, false);


--
-- Name: accounts_user_user_permissions_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.accounts_user_user_permissions_id_seq', 1, false);


--
-- Name: api_apisettings_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.api_apisettings_id_seq', 1, false);


--
-- Name: api_apitoken_branches_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.api_apitoken_branches_id_seq', 1, false);


--
-- Name: api_apitoken_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.api_apitoken_id_seq', 1, false);


--
-- Name: auth_group_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.auth_group_id_seq', 7, true);


--
-- Name: auth_group_permissions_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.auth_group_permissions_id_seq', 1595, true);


--
-- Name: auth_permission_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.auth_permission_id_seq', 704, true);


--
-- Name: axes_accessattempt_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.axes_accessattempt_id_seq', 1, false);


--
-- Name: axes_accessfailurelog_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.axes_accessfailurelog_id_seq', 1, false);


--
-- Name: axes_accesslog_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.axes_accesslog_id_seq', 1, false);


--
-- Name: billing_account_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.billing_account_id_seq', 1, false);


--
-- Name: billing_allocation_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.billing_allocation_id_seq', 1, false);


--
-- Name: billing_billingrun_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.billing_billingrun_id_seq', 1, false);


--
-- Name: billing_billingrunchunk_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.billing_billingrunchunk_id_seq', 1, false);


--
-- Name: billing_billingsettings_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.billing_billingsettings_id_seq', 1, false);


--
-- Name: billing_cardsale_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.billing_cardsale_id_seq', 1, false);


--
-- Name: billing_cardsalerefund_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.billing_cardsalerefund_id_seq', 1, false);


--
-- Name: billing_commissionentry_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.billing_commissionentry_id_seq', 1, false);


--
-- Name: billing_crediteddays_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.billing_crediteddays_id_seq', 1, false);


--
-- Name: billing_creditnote_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.billing_creditnote_id_seq', 1, false);


--
-- Name: billing_debitnote_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.billing_debitnote_id_seq', 1, false);


--
-- Name: billing_invoice_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.billing_invoice_id_seq', 1, false);


--
-- Name: billing_invoiceline_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.billing_invoiceline_id_seq', 1, false);


--
-- Name: billing_ledgerentry_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.billing_ledgerentry_id_seq', 1, false);


--
-- Name: billing_linecredit_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.billing_linecredit_id_seq', 1, false);


--
-- Name: billing_onetimecharge_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.billing_onetimecharge_id_seq', 1, false);


--
-- Name: billing_packagechange_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.billing_packagechange_id_seq', 1, false);


--
-- Name: billing_resellerwallet_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.billing_resellerwallet_id_seq', 1, false);


--
-- Name: billing_walletentry_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.billing_walletentry_id_seq', 1, false);


--
-- Name: books_bankaccount_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.books_bankaccount_id_seq', 1, false);


--
-- Name: books_bankmovement_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.books_bankmovement_id_seq', 1, false);


--
-- Name: books_bill_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.books_bill_id_seq', 1, false);


--
-- Name: books_billpayment_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.books_billpayment_id_seq', 1, false);


--
-- Name: books_journalentry_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.books_journalentry_id_seq', 1, false);


--
-- Name: books_journalline_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.books_journalline_id_seq', 1, false);


--
-- Name: books_ledgeraccount_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.books_ledgeraccount_id_seq', 30, true);


--
-- Name: books_supplier_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.books_supplier_id_seq', 1, false);


--
-- Name: churn_churnmodel_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.churn_churnmodel_id_seq', 1, false);


--
-- Name: churn_churnrisk_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.churn_churnrisk_id_seq', 1, false);


--
-- Name: churn_geminisettings_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.churn_geminisettings_id_seq', 1, false);


--
-- Name: churn_retentioncalltask_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.churn_retentioncalltask_id_seq', 1, false);


--
-- Name: churn_retentionfieldcheck_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.churn_retentionfieldcheck_id_seq', 1, false);


--
-- Name: churn_retentionoffer_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.churn_retentionoffer_id_seq', 1, false);


--
-- Name: churn_retentionoffercredit_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.churn_retentionoffercredit_id_seq', 1, false);


--
-- Name: contracts_contract_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.contracts_contract_id_seq', 1, false);


--
-- Name: contracts_contractevent_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.contracts_contractevent_id_seq', 1, false);


--
-- Name: contracts_contractrule_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.contracts_contractrule_id_seq', 1, false);


--
-- Name: contracts_contracttemplate_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.contracts_contracttemplate_id_seq', 1, false);


--
-- Name: contracts_signature_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.contracts_signature_id_seq', 1, false);


--
-- Name: contracts_signingsession_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.contracts_signingsession_id_seq', 1, false);


--
-- Name: core_auditlog_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.core_auditlog_id_seq', 1, false);


--
-- Name: core_jobrun_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.core_jobrun_id_seq', 1, false);


--
-- Name: core_jobwatch_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.core_jobwatch_id_seq', 1, false);


--
-- Name: core_numbersequence_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.core_numbersequence_id_seq', 1, false);


--
-- Name: core_ratelimitcounter_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.core_ratelimitcounter_id_seq', 1, false);


--
-- Name: core_webhookattempt_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.core_webhookattempt_id_seq', 1, false);


--
-- Name: core_webhookdelivery_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.core_webhookdelivery_id_seq', 1, false);


--
-- Name: core_webhookendpoint_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.core_webhookendpoint_id_seq', 1, false);


--
-- Name: customers_area_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.customers_area_id_seq', 1, false);


--
-- Name: customers_branch_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.customers_branch_id_seq', 1, false);


--
-- Name: customers_calllog_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.customers_calllog_id_seq', 1, false);


--
-- Name: customers_customer_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.customers_customer_id_seq', 1, false);


--
-- Name: customers_customertally_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.customers_customertally_id_seq', 1, false);


--
-- Name: customers_lead_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.customers_lead_id_seq', 1, false);


--
-- Name: customers_package_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.customers_package_id_seq', 1, false);


--
-- Name: customers_packagespeedwindow_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.customers_packagespeedwindow_id_seq', 1, false);


--
-- Name: customers_referral_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.customers_referral_id_seq', 1, false);


--
-- Name: customers_referralcredit_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.customers_referralcredit_id_seq', 1, false);


--
-- Name: customers_referralsettings_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.customers_referralsettings_id_seq', 1, false);


--
-- Name: customers_speedtestresult_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.customers_speedtestresult_id_seq', 1, false);


--
-- Name: customers_subscription_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.customers_subscription_id_seq', 1, false);


--
-- Name: dashboard_dailymetric_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.dashboard_dailymetric_id_seq', 1, false);


--
-- Name: django_admin_log_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.django_admin_log_id_seq', 1, false);


--
-- Name: django_content_type_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.django_content_type_id_seq', 170, true);


--
-- Name: django_migrations_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.django_migrations_id_seq', 207, true);


--
-- Name: fibre_fibreincident_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.fibre_fibreincident_id_seq', 1, false);


--
-- Name: fibre_fibreincidentticket_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.fibre_fibreincidentticket_id_seq', 1, false);


--
-- Name: fibre_fibresettings_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.fibre_fibresettings_id_seq', 1, false);


--
-- Name: fibre_olt_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.fibre_olt_id_seq', 1, false);


--
-- Name: fibre_onu_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.fibre_onu_id_seq', 1, false);


--
-- Name: fibre_onustatusevent_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.fibre_onustatusevent_id_seq', 1, false);


--
-- Name: fibre_ponport_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.fibre_ponport_id_seq', 1, false);


--
-- Name: fibre_signalthreshold_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.fibre_signalthreshold_id_seq', 1, false);


--
-- Name: fieldservice_checklistitem_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.fieldservice_checklistitem_id_seq', 1, false);


--
-- Name: fieldservice_checklisttemplate_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.fieldservice_checklisttemplate_id_seq', 6, true);


--
-- Name: fieldservice_checklisttemplateitem_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.fieldservice_checklisttemplateitem_id_seq', 17, true);


--
-- Name: fieldservice_equipmentitem_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.fieldservice_equipmentitem_id_seq', 1, false);


--
-- Name: fieldservice_equipmentmodel_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.fieldservice_equipmentmodel_id_seq', 1, false);


--
-- Name: fieldservice_equipmentmovement_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.fieldservice_equipmentmovement_id_seq', 1, false);


--
-- Name: fieldservice_equipmentrental_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.fieldservice_equipmentrental_id_seq', 1, false);


--
-- Name: fieldservice_equipmentrentalcharge_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.fieldservice_equipmentrentalcharge_id_seq', 1, false);


--
-- Name: fieldservice_workorder_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.fieldservice_workorder_id_seq', 1, false);


--
-- Name: fieldservice_workorderevent_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.fieldservice_workorderevent_id_seq', 1, false);


--
-- Name: fieldservice_workorderphoto_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.fieldservice_workorderphoto_id_seq', 1, false);


--
-- Name: imports_importbatch_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.imports_importbatch_id_seq', 1, false);


--
-- Name: imports_importprofile_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.imports_importprofile_id_seq', 1, false);


--
-- Name: imports_importrow_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.imports_importrow_id_seq', 1, false);


--
-- Name: network_addressassignment_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.network_addressassignment_id_seq', 1, false);


--
-- Name: network_addresspool_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.network_addresspool_id_seq', 1, false);


--
-- Name: network_driftreport_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.network_driftreport_id_seq', 1, false);


--
-- Name: network_outage_areas_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.network_outage_areas_id_seq', 1, false);


--
-- Name: network_outage_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.network_outage_id_seq', 1, false);


--
-- Name: network_outage_routers_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.network_outage_routers_id_seq', 1, false);


--
-- Name: network_outagebroadcast_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.network_outagebroadcast_id_seq', 1, false);


--
-- Name: network_outageupdate_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.network_outageupdate_id_seq', 1, false);


--
-- Name: network_provisioningtask_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.network_provisioningtask_id_seq', 1, false);


--
-- Name: network_router_areas_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.network_router_areas_id_seq', 1, false);


--
-- Name: network_router_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.network_router_id_seq', 1, false);


--
-- Name: network_routerdownperiod_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.network_routerdownperiod_id_seq', 1, false);


--
-- Name: network_speedboundaryrun_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.network_speedboundaryrun_id_seq', 1, false);


--
-- Name: network_speeddestination_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.network_speeddestination_id_seq', 1, false);


--
-- Name: network_usagedaily_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.network_usagedaily_id_seq', 1, false);


--
-- Name: network_usagehourly_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.network_usagehourly_id_seq', 1, false);


--
-- Name: network_usagesample_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.network_usagesample_id_seq', 1, false);


--
-- Name: notify_message_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.notify_message_id_seq', 1, false);


--
-- Name: notify_messagetemplate_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.notify_messagetemplate_id_seq', 168, true);


--
-- Name: notify_notificationpreference_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.notify_notificationpreference_id_seq', 1, false);


--
-- Name: payments_autopay_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.payments_autopay_id_seq', 1, false);


--
-- Name: payments_autopayattempt_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.payments_autopayattempt_id_seq', 1, false);


--
-- Name: payments_autopayrun_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.payments_autopayrun_id_seq', 1, false);


--
-- Name: payments_bkashagreement_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.payments_bkashagreement_id_seq', 1, false);


--
-- Name: payments_bkashsettings_branches_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.payments_bkashsettings_branches_id_seq', 1, false);


--
-- Name: payments_bkashsettings_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.payments_bkashsettings_id_seq', 1, false);


--
-- Name: payments_cashhandover_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.payments_cashhandover_id_seq', 1, false);


--
-- Name: payments_gatewayevent_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.payments_gatewayevent_id_seq', 1, false);


--
-- Name: payments_gatewaypayment_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.payments_gatewaypayment_id_seq', 1, false);


--
-- Name: payments_gatewaypayment_invoices_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.payments_gatewaypayment_invoices_id_seq', 1, false);


--
-- Name: payments_gatewayrefund_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.payments_gatewayrefund_id_seq', 1, false);


--
-- Name: payments_gatewaysettings_branches_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.payments_gatewaysettings_branches_id_seq', 1, false);


--
-- Name: payments_gatewaysettings_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.payments_gatewaysettings_id_seq', 1, false);


--
-- Name: payments_gatewaystatement_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.payments_gatewaystatement_id_seq', 1, false);


--
-- Name: payments_gatewaystatementline_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.payments_gatewaystatementline_id_seq', 1, false);


--
-- Name: payments_nagadsettings_branches_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.payments_nagadsettings_branches_id_seq', 1, false);


--
-- Name: payments_nagadsettings_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.payments_nagadsettings_id_seq', 1, false);


--
-- Name: payments_pastpayment_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.payments_pastpayment_id_seq', 1, false);


--
-- Name: payments_payment_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.payments_payment_id_seq', 1, false);


--
-- Name: payments_queuedpayment_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.payments_queuedpayment_id_seq', 1, false);


--
-- Name: payments_reconciliationitem_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.payments_reconciliationitem_id_seq', 1, false);


--
-- Name: payments_reconciliationrun_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.payments_reconciliationrun_id_seq', 1, false);


--
-- Name: payments_vdsdeduction_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.payments_vdsdeduction_id_seq', 1, false);


--
-- Name: radius_postauth_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.radius_postauth_id_seq', 1, false);


--
-- Name: radius_radacct_radacctid_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.radius_radacct_radacctid_seq', 1, false);


--
-- Name: radius_servers_pushed_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.radius_servers_pushed_id_seq', 1, false);


--
-- Name: resellers_commissionrule_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.resellers_commissionrule_id_seq', 1, false);


--
-- Name: resellers_commissionstatement_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.resellers_commissionstatement_id_seq', 1, false);


--
-- Name: resellers_payout_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.resellers_payout_id_seq', 1, false);


--
-- Name: resellers_renewal_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.resellers_renewal_id_seq', 1, false);


--
-- Name: resellers_reseller_areas_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.resellers_reseller_areas_id_seq', 1, false);


--
-- Name: resellers_reseller_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.resellers_reseller_id_seq', 1, false);


--
-- Name: resellers_resellerlogin_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.resellers_resellerlogin_id_seq', 1, false);


--
-- Name: resellers_resellerpackage_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.resellers_resellerpackage_id_seq', 1, false);


--
-- Name: tickets_holiday_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.tickets_holiday_id_seq', 1, false);


--
-- Name: tickets_slapolicy_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.tickets_slapolicy_id_seq', 4, true);


--
-- Name: tickets_supportsettings_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.tickets_supportsettings_id_seq', 1, false);


--
-- Name: tickets_survey_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.tickets_survey_id_seq', 1, false);


--
-- Name: tickets_ticket_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.tickets_ticket_id_seq', 1, false);


--
-- Name: tickets_ticketcomment_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.tickets_ticketcomment_id_seq', 1, false);


--
-- Name: vouchers_voucherbatch_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.vouchers_voucherbatch_id_seq', 1, false);


--
-- Name: vouchers_vouchercard_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.vouchers_vouchercard_id_seq', 1, false);


--
-- Name: vouchers_voucherplan_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.vouchers_voucherplan_id_seq', 1, false);


--
-- Name: vouchers_wifipurchase_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.vouchers_wifipurchase_id_seq', 1, false);


--
-- Name: vouchers_wifisignupcode_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.vouchers_wifisignupcode_id_seq', 1, false);


--
-- Name: vouchers_wifizone_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.vouchers_wifizone_id_seq', 1, false);


--
-- Name: accounts_customersession accounts_customersession_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.accounts_customersession
    ADD CONSTRAINT accounts_customersession_pkey PRIMARY KEY (id);


--
-- Name: accounts_customersession accounts_customersession_session_key_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.accounts_customersession
    ADD CONSTRAINT accounts_customersession_session_key_key UNIQUE (session_key);


--
-- Name: accounts_onetimecode accounts_onetimecode_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.accounts_onetimecode
    ADD CONSTRAINT accounts_onetimecode_pkey PRIMARY KEY (id);


--
-- Name: accounts_user_branches accounts_user_branches_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.accounts_user_branches
    ADD CONSTRAINT accounts_user_branches_pkey PRIMARY KEY (id);


--
-- Name: accounts_user_branches accounts_user_branches_user_id_branch_id_1d77b88a_uniq; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.accounts_user_branches
    ADD CONSTRAINT accounts_user_branches_user_id_branch_id_1d77b88a_uniq UNIQUE (user_id, branch_id);


--
-- Name: accounts_user_groups accounts_user_groups_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.accounts_user_groups
    ADD CONSTRAINT accounts_user_groups_pkey PRIMARY KEY (id);


--
-- Name: accounts_user_groups accounts_user_groups_user_id_group_id_59c0b32f_uniq; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.accounts_user_groups
    ADD CONSTRAINT accounts_user_groups_user_id_group_id_59c0b32f_uniq UNIQUE (user_id, group_id);


--
-- Name: accounts_user accounts_user_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.accounts_user
    ADD CONSTRAINT accounts_user_pkey PRIMARY KEY (id);


--
-- Name: accounts_user_user_permissions accounts_user_user_permi_user_id_permission_id_2ab516c2_uniq; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.accounts_user_user_permissions
    ADD CONSTRAINT accounts_user_user_permi_user_id_permission_id_2ab516c2_uniq UNIQUE (user_id, permission_id);


--
-- Name: accounts_user_user_permissions accounts_user_user_permissions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.accounts_user_user_permissions
    ADD CONSTRAINT accounts_user_user_permissions_pkey PRIMARY KEY (id);


--
-- Name: accounts_user accounts_user_username_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.accounts_user
    ADD CONSTRAINT accounts_user_username_key UNIQUE (username);


--
-- Name: api_apisettings api_apisettings_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.api_apisettings
    ADD CONSTRAINT api_apisettings_pkey PRIMARY KEY (id);


--
-- Name: api_apitoken_branches api_apitoken_branches_apitoken_id_branch_id_d5530571_uniq; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.api_apitoken_branches
    ADD CONSTRAINT api_apitoken_branches_apitoken_id_branch_id_d5530571_uniq UNIQUE (apitoken_id, branch_id);


--
-- Name: api_apitoken_branches api_apitoken_branches_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.api_apitoken_branches
    ADD CONSTRAINT api_apitoken_branches_pkey PRIMARY KEY (id);


--
-- Name: api_apitoken api_apitoken_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.api_apitoken
    ADD CONSTRAINT api_apitoken_pkey PRIMARY KEY (id);


--
-- Name: api_apitoken api_apitoken_token_hash_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.api_apitoken
    ADD CONSTRAINT api_apitoken_token_hash_key UNIQUE (token_hash);


--
-- Name: customers_area area_unique_name_per_branch; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customers_area
    ADD CONSTRAINT area_unique_name_per_branch UNIQUE (branch_id, name);


--
-- Name: auth_group auth_group_name_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.auth_group
    ADD CONSTRAINT auth_group_name_key UNIQUE (name);


--
-- Name: auth_group_permissions auth_group_permissions_group_id_permission_id_0cd325b0_uniq; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.auth_group_permissions
    ADD CONSTRAINT auth_group_permissions_group_id_permission_id_0cd325b0_uniq UNIQUE (group_id, permission_id);


--
-- Name: auth_group_permissions auth_group_permissions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.auth_group_permissions
    ADD CONSTRAINT auth_group_permissions_pkey PRIMARY KEY (id);


--
-- Name: auth_group auth_group_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.auth_group
    ADD CONSTRAINT auth_group_pkey PRIMARY KEY (id);


--
-- Name: auth_permission auth_permission_content_type_id_codename_01ab375a_uniq; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.auth_permission
    ADD CONSTRAINT auth_permission_content_type_id_codename_01ab375a_uniq UNIQUE (content_type_id, codename);


--
-- Name: auth_permission auth_permission_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.auth_permission
    ADD CONSTRAINT auth_permission_pkey PRIMARY KEY (id);


--
-- Name: axes_accessattempt axes_accessattempt_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.axes_accessattempt
    ADD CONSTRAINT axes_accessattempt_pkey PRIMARY KEY (id);


--
-- Name: axes_accessattempt axes_accessattempt_username_ip_address_user_agent_8ea22282_uniq; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.axes_accessattempt
    ADD CONSTRAINT axes_accessattempt_username_ip_address_user_agent_8ea22282_uniq UNIQUE (username, ip_address, user_agent);


--
-- Name: axes_accessattemptexpiration axes_accessattemptexpiration_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.axes_accessattemptexpiration
    ADD CONSTRAINT axes_accessattemptexpiration_pkey PRIMARY KEY (access_attempt_id);


--
-- Name: axes_accessfailurelog axes_accessfailurelog_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.axes_accessfailurelog
    ADD CONSTRAINT axes_accessfailurelog_pkey PRIMARY KEY (id);


--
-- Name: axes_accesslog axes_accesslog_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.axes_accesslog
    ADD CONSTRAINT axes_accesslog_pkey PRIMARY KEY (id);


--
-- Name: billing_account billing_account_customer_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_account
    ADD CONSTRAINT billing_account_customer_id_key UNIQUE (customer_id);


--
-- Name: billing_account billing_account_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_account
    ADD CONSTRAINT billing_account_pkey PRIMARY KEY (id);


--
-- Name: billing_allocation billing_allocation_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_allocation
    ADD CONSTRAINT billing_allocation_pkey PRIMARY KEY (id);


--
-- Name: billing_billingrun billing_billingrun_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_billingrun
    ADD CONSTRAINT billing_billingrun_pkey PRIMARY KEY (id);


--
-- Name: billing_billingrunchunk billing_billingrunchunk_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_billingrunchunk
    ADD CONSTRAINT billing_billingrunchunk_pkey PRIMARY KEY (id);


--
-- Name: billing_billingsettings billing_billingsettings_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_billingsettings
    ADD CONSTRAINT billing_billingsettings_pkey PRIMARY KEY (id);


--
-- Name: billing_cardsale billing_cardsale_idempotency_key_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_cardsale
    ADD CONSTRAINT billing_cardsale_idempotency_key_key UNIQUE (idempotency_key);


--
-- Name: billing_cardsale billing_cardsale_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_cardsale
    ADD CONSTRAINT billing_cardsale_pkey PRIMARY KEY (id);


--
-- Name: billing_cardsalerefund billing_cardsalerefund_idempotency_key_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_cardsalerefund
    ADD CONSTRAINT billing_cardsalerefund_idempotency_key_key UNIQUE (idempotency_key);


--
-- Name: billing_cardsalerefund billing_cardsalerefund_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_cardsalerefund
    ADD CONSTRAINT billing_cardsalerefund_pkey PRIMARY KEY (id);


--
-- Name: billing_cardsalerefund billing_cardsalerefund_sale_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_cardsalerefund
    ADD CONSTRAINT billing_cardsalerefund_sale_id_key UNIQUE (sale_id);


--
-- Name: billing_commissionentry billing_commissionentry_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_commissionentry
    ADD CONSTRAINT billing_commissionentry_pkey PRIMARY KEY (id);


--
-- Name: billing_crediteddays billing_crediteddays_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_crediteddays
    ADD CONSTRAINT billing_crediteddays_pkey PRIMARY KEY (id);


--
-- Name: billing_creditnote billing_creditnote_entry_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_creditnote
    ADD CONSTRAINT billing_creditnote_entry_id_key UNIQUE (entry_id);


--
-- Name: billing_creditnote billing_creditnote_number_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_creditnote
    ADD CONSTRAINT billing_creditnote_number_key UNIQUE (number);


--
-- Name: billing_creditnote billing_creditnote_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_creditnote
    ADD CONSTRAINT billing_creditnote_pkey PRIMARY KEY (id);


--
-- Name: billing_debitnote billing_debitnote_challan_number_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_debitnote
    ADD CONSTRAINT billing_debitnote_challan_number_key UNIQUE (challan_number);


--
-- Name: billing_debitnote billing_debitnote_charge_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_debitnote
    ADD CONSTRAINT billing_debitnote_charge_id_key UNIQUE (charge_id);


--
-- Name: billing_debitnote billing_debitnote_entry_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_debitnote
    ADD CONSTRAINT billing_debitnote_entry_id_key UNIQUE (entry_id);


--
-- Name: billing_debitnote billing_debitnote_number_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_debitnote
    ADD CONSTRAINT billing_debitnote_number_key UNIQUE (number);


--
-- Name: billing_debitnote billing_debitnote_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_debitnote
    ADD CONSTRAINT billing_debitnote_pkey PRIMARY KEY (id);


--
-- Name: billing_invoice billing_invoice_number_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_invoice
    ADD CONSTRAINT billing_invoice_number_key UNIQUE (number);


--
-- Name: billing_invoice billing_invoice_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_invoice
    ADD CONSTRAINT billing_invoice_pkey PRIMARY KEY (id);


--
-- Name: billing_invoiceline billing_invoiceline_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_invoiceline
    ADD CONSTRAINT billing_invoiceline_pkey PRIMARY KEY (id);


--
-- Name: billing_ledgerentry billing_ledgerentry_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_ledgerentry
    ADD CONSTRAINT billing_ledgerentry_pkey PRIMARY KEY (id);


--
-- Name: billing_ledgerentry billing_ledgerentry_reverses_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_ledgerentry
    ADD CONSTRAINT billing_ledgerentry_reverses_id_key UNIQUE (reverses_id);


--
-- Name: billing_linecredit billing_linecredit_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_linecredit
    ADD CONSTRAINT billing_linecredit_pkey PRIMARY KEY (id);


--
-- Name: billing_onetimecharge billing_onetimecharge_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_onetimecharge
    ADD CONSTRAINT billing_onetimecharge_pkey PRIMARY KEY (id);


--
-- Name: billing_packagechange billing_packagechange_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_packagechange
    ADD CONSTRAINT billing_packagechange_pkey PRIMARY KEY (id);


--
-- Name: billing_resellerwallet billing_resellerwallet_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_resellerwallet
    ADD CONSTRAINT billing_resellerwallet_pkey PRIMARY KEY (id);


--
-- Name: billing_resellerwallet billing_resellerwallet_reseller_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_resellerwallet
    ADD CONSTRAINT billing_resellerwallet_reseller_id_key UNIQUE (reseller_id);


--
-- Name: billing_billingrunchunk billing_run_chunk_unique_start; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_billingrunchunk
    ADD CONSTRAINT billing_run_chunk_unique_start UNIQUE (run_id, first_id);


--
-- Name: billing_walletentry billing_walletentry_idempotency_key_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_walletentry
    ADD CONSTRAINT billing_walletentry_idempotency_key_key UNIQUE (idempotency_key);


--
-- Name: billing_walletentry billing_walletentry_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_walletentry
    ADD CONSTRAINT billing_walletentry_pkey PRIMARY KEY (id);


--
-- Name: billing_walletentry billing_walletentry_reverses_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_walletentry
    ADD CONSTRAINT billing_walletentry_reverses_id_key UNIQUE (reverses_id);


--
-- Name: books_bankaccount books_bankaccount_ledger_account_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.books_bankaccount
    ADD CONSTRAINT books_bankaccount_ledger_account_id_key UNIQUE (ledger_account_id);


--
-- Name: books_bankaccount books_bankaccount_name_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.books_bankaccount
    ADD CONSTRAINT books_bankaccount_name_key UNIQUE (name);


--
-- Name: books_bankaccount books_bankaccount_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.books_bankaccount
    ADD CONSTRAINT books_bankaccount_pkey PRIMARY KEY (id);


--
-- Name: books_bankmovement books_bankmovement_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.books_bankmovement
    ADD CONSTRAINT books_bankmovement_pkey PRIMARY KEY (id);


--
-- Name: books_bill books_bill_number_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.books_bill
    ADD CONSTRAINT books_bill_number_key UNIQUE (number);


--
-- Name: books_bill books_bill_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.books_bill
    ADD CONSTRAINT books_bill_pkey PRIMARY KEY (id);


--
-- Name: books_billpayment books_billpayment_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.books_billpayment
    ADD CONSTRAINT books_billpayment_pkey PRIMARY KEY (id);


--
-- Name: books_journalentry books_journalentry_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.books_journalentry
    ADD CONSTRAINT books_journalentry_pkey PRIMARY KEY (id);


--
-- Name: books_journalline books_journalline_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.books_journalline
    ADD CONSTRAINT books_journalline_pkey PRIMARY KEY (id);


--
-- Name: books_ledgeraccount books_ledgeraccount_code_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.books_ledgeraccount
    ADD CONSTRAINT books_ledgeraccount_code_key UNIQUE (code);


--
-- Name: books_ledgeraccount books_ledgeraccount_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.books_ledgeraccount
    ADD CONSTRAINT books_ledgeraccount_pkey PRIMARY KEY (id);


--
-- Name: books_supplier books_supplier_name_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.books_supplier
    ADD CONSTRAINT books_supplier_name_key UNIQUE (name);


--
-- Name: books_supplier books_supplier_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.books_supplier
    ADD CONSTRAINT books_supplier_pkey PRIMARY KEY (id);


--
-- Name: churn_churnmodel churn_churnmodel_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.churn_churnmodel
    ADD CONSTRAINT churn_churnmodel_pkey PRIMARY KEY (id);


--
-- Name: churn_churnmodel churn_churnmodel_version_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.churn_churnmodel
    ADD CONSTRAINT churn_churnmodel_version_key UNIQUE (version);


--
-- Name: churn_churnrisk churn_churnrisk_customer_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.churn_churnrisk
    ADD CONSTRAINT churn_churnrisk_customer_id_key UNIQUE (customer_id);


--
-- Name: churn_churnrisk churn_churnrisk_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.churn_churnrisk
    ADD CONSTRAINT churn_churnrisk_pkey PRIMARY KEY (id);


--
-- Name: churn_geminisettings churn_geminisettings_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.churn_geminisettings
    ADD CONSTRAINT churn_geminisettings_pkey PRIMARY KEY (id);


--
-- Name: churn_retentioncalltask churn_retentioncalltask_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.churn_retentioncalltask
    ADD CONSTRAINT churn_retentioncalltask_pkey PRIMARY KEY (id);


--
-- Name: churn_retentionfieldcheck churn_retentionfieldcheck_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.churn_retentionfieldcheck
    ADD CONSTRAINT churn_retentionfieldcheck_pkey PRIMARY KEY (id);


--
-- Name: churn_retentionfieldcheck churn_retentionfieldcheck_work_order_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.churn_retentionfieldcheck
    ADD CONSTRAINT churn_retentionfieldcheck_work_order_id_key UNIQUE (work_order_id);


--
-- Name: churn_retentionoffer churn_retentionoffer_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.churn_retentionoffer
    ADD CONSTRAINT churn_retentionoffer_pkey PRIMARY KEY (id);


--
-- Name: churn_retentionoffercredit churn_retentionoffercredit_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.churn_retentionoffercredit
    ADD CONSTRAINT churn_retentionoffercredit_pkey PRIMARY KEY (id);


--
-- Name: churn_usagewindow churn_usagewindow_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.churn_usagewindow
    ADD CONSTRAINT churn_usagewindow_pkey PRIMARY KEY (subscription_id);


--
-- Name: resellers_commissionstatement commissionstatement_once; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resellers_commissionstatement
    ADD CONSTRAINT commissionstatement_once UNIQUE (reseller_id, period);


--
-- Name: contracts_contractevent contract_event_seq_unique; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.contracts_contractevent
    ADD CONSTRAINT contract_event_seq_unique UNIQUE (contract_id, seq);


--
-- Name: contracts_contracttemplate contract_template_version_unique; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.contracts_contracttemplate
    ADD CONSTRAINT contract_template_version_unique UNIQUE (key, language, version);


--
-- Name: contracts_contract contracts_contract_number_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.contracts_contract
    ADD CONSTRAINT contracts_contract_number_key UNIQUE (number);


--
-- Name: contracts_contract contracts_contract_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.contracts_contract
    ADD CONSTRAINT contracts_contract_pkey PRIMARY KEY (id);


--
-- Name: contracts_contract contracts_contract_renewed_from_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.contracts_contract
    ADD CONSTRAINT contracts_contract_renewed_from_id_key UNIQUE (renewed_from_id);


--
-- Name: contracts_contract contracts_contract_verify_code_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.contracts_contract
    ADD CONSTRAINT contracts_contract_verify_code_key UNIQUE (verify_code);


--
-- Name: contracts_contractevent contracts_contractevent_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.contracts_contractevent
    ADD CONSTRAINT contracts_contractevent_pkey PRIMARY KEY (id);


--
-- Name: contracts_contractrule contracts_contractrule_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.contracts_contractrule
    ADD CONSTRAINT contracts_contractrule_pkey PRIMARY KEY (id);


--
-- Name: contracts_contracttemplate contracts_contracttemplate_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.contracts_contracttemplate
    ADD CONSTRAINT contracts_contracttemplate_pkey PRIMARY KEY (id);


--
-- Name: contracts_signature contracts_signature_contract_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.contracts_signature
    ADD CONSTRAINT contracts_signature_contract_id_key UNIQUE (contract_id);


--
-- Name: contracts_signature contracts_signature_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.contracts_signature
    ADD CONSTRAINT contracts_signature_pkey PRIMARY KEY (id);


--
-- Name: contracts_signingsession contracts_signingsession_key_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.contracts_signingsession
    ADD CONSTRAINT contracts_signingsession_key_key UNIQUE (key);


--
-- Name: contracts_signingsession contracts_signingsession_one_time_code_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.contracts_signingsession
    ADD CONSTRAINT contracts_signingsession_one_time_code_id_key UNIQUE (one_time_code_id);


--
-- Name: contracts_signingsession contracts_signingsession_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.contracts_signingsession
    ADD CONSTRAINT contracts_signingsession_pkey PRIMARY KEY (id);


--
-- Name: core_auditlog core_auditlog_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.core_auditlog
    ADD CONSTRAINT core_auditlog_pkey PRIMARY KEY (id);


--
-- Name: core_jobrun core_jobrun_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.core_jobrun
    ADD CONSTRAINT core_jobrun_pkey PRIMARY KEY (id);


--
-- Name: core_jobwatch core_jobwatch_job_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.core_jobwatch
    ADD CONSTRAINT core_jobwatch_job_key UNIQUE (job);


--
-- Name: core_jobwatch core_jobwatch_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.core_jobwatch
    ADD CONSTRAINT core_jobwatch_pkey PRIMARY KEY (id);


--
-- Name: core_numbersequence core_numbersequence_key_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.core_numbersequence
    ADD CONSTRAINT core_numbersequence_key_key UNIQUE (key);


--
-- Name: core_numbersequence core_numbersequence_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.core_numbersequence
    ADD CONSTRAINT core_numbersequence_pkey PRIMARY KEY (id);


--
-- Name: core_ratelimitcounter core_ratelimitcounter_key_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.core_ratelimitcounter
    ADD CONSTRAINT core_ratelimitcounter_key_key UNIQUE (key);


--
-- Name: core_ratelimitcounter core_ratelimitcounter_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.core_ratelimitcounter
    ADD CONSTRAINT core_ratelimitcounter_pkey PRIMARY KEY (id);


--
-- Name: core_webhookattempt core_webhookattempt_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.core_webhookattempt
    ADD CONSTRAINT core_webhookattempt_pkey PRIMARY KEY (id);


--
-- Name: core_webhookdelivery core_webhookdelivery_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.core_webhookdelivery
    ADD CONSTRAINT core_webhookdelivery_pkey PRIMARY KEY (id);


--
-- Name: core_webhookendpoint core_webhookendpoint_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.core_webhookendpoint
    ADD CONSTRAINT core_webhookendpoint_pkey PRIMARY KEY (id);


--
-- Name: customers_area customers_area_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customers_area
    ADD CONSTRAINT customers_area_pkey PRIMARY KEY (id);


--
-- Name: customers_branch customers_branch_code_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customers_branch
    ADD CONSTRAINT customers_branch_code_key UNIQUE (code);


--
-- Name: customers_branch customers_branch_name_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customers_branch
    ADD CONSTRAINT customers_branch_name_key UNIQUE (name);


--
-- Name: customers_branch customers_branch_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customers_branch
    ADD CONSTRAINT customers_branch_pkey PRIMARY KEY (id);


--
-- Name: customers_calllog customers_calllog_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customers_calllog
    ADD CONSTRAINT customers_calllog_pkey PRIMARY KEY (id);


--
-- Name: customers_customer customers_customer_account_number_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customers_customer
    ADD CONSTRAINT customers_customer_account_number_key UNIQUE (account_number);


--
-- Name: customers_customer customers_customer_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customers_customer
    ADD CONSTRAINT customers_customer_pkey PRIMARY KEY (id);


--
-- Name: customers_customer customers_customer_referral_code_dab27737_uniq; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customers_customer
    ADD CONSTRAINT customers_customer_referral_code_dab27737_uniq UNIQUE (referral_code);


--
-- Name: customers_customer customers_customer_user_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customers_customer
    ADD CONSTRAINT customers_customer_user_id_key UNIQUE (user_id);


--
-- Name: customers_customertally customers_customertally_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customers_customertally
    ADD CONSTRAINT customers_customertally_pkey PRIMARY KEY (id);


--
-- Name: customers_lead customers_lead_converted_customer_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customers_lead
    ADD CONSTRAINT customers_lead_converted_customer_id_key UNIQUE (converted_customer_id);


--
-- Name: customers_lead customers_lead_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customers_lead
    ADD CONSTRAINT customers_lead_pkey PRIMARY KEY (id);


--
-- Name: customers_package customers_package_name_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customers_package
    ADD CONSTRAINT customers_package_name_key UNIQUE (name);


--
-- Name: customers_package customers_package_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customers_package
    ADD CONSTRAINT customers_package_pkey PRIMARY KEY (id);


--
-- Name: customers_packagespeedwindow customers_packagespeedwindow_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customers_packagespeedwindow
    ADD CONSTRAINT customers_packagespeedwindow_pkey PRIMARY KEY (id);


--
-- Name: customers_referral customers_referral_lead_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customers_referral
    ADD CONSTRAINT customers_referral_lead_id_key UNIQUE (lead_id);


--
-- Name: customers_referral customers_referral_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customers_referral
    ADD CONSTRAINT customers_referral_pkey PRIMARY KEY (id);


--
-- Name: customers_referral customers_referral_referred_customer_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customers_referral
    ADD CONSTRAINT customers_referral_referred_customer_id_key UNIQUE (referred_customer_id);


--
-- Name: customers_referralcredit customers_referralcredit_ledger_entry_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customers_referralcredit
    ADD CONSTRAINT customers_referralcredit_ledger_entry_id_key UNIQUE (ledger_entry_id);


--
-- Name: customers_referralcredit customers_referralcredit_payment_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customers_referralcredit
    ADD CONSTRAINT customers_referralcredit_payment_id_key UNIQUE (payment_id);


--
-- Name: customers_referralcredit customers_referralcredit_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customers_referralcredit
    ADD CONSTRAINT customers_referralcredit_pkey PRIMARY KEY (id);


--
-- Name: customers_referralcredit customers_referralcredit_referral_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customers_referralcredit
    ADD CONSTRAINT customers_referralcredit_referral_id_key UNIQUE (referral_id);


--
-- Name: customers_referralcredit customers_referralcredit_reversal_entry_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customers_referralcredit
    ADD CONSTRAINT customers_referralcredit_reversal_entry_id_key UNIQUE (reversal_entry_id);


--
-- Name: customers_referralsettings customers_referralsettings_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customers_referralsettings
    ADD CONSTRAINT customers_referralsettings_pkey PRIMARY KEY (id);


--
-- Name: customers_speedtestresult customers_speedtestresult_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customers_speedtestresult
    ADD CONSTRAINT customers_speedtestresult_pkey PRIMARY KEY (id);


--
-- Name: customers_subscription customers_subscription_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customers_subscription
    ADD CONSTRAINT customers_subscription_pkey PRIMARY KEY (id);


--
-- Name: dashboard_dailymetric daily_metric_unique; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.dashboard_dailymetric
    ADD CONSTRAINT daily_metric_unique UNIQUE (day, branch_id, dimension, key);


--
-- Name: dashboard_dailymetric dashboard_dailymetric_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.dashboard_dailymetric
    ADD CONSTRAINT dashboard_dailymetric_pkey PRIMARY KEY (id);


--
-- Name: django_admin_log django_admin_log_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.django_admin_log
    ADD CONSTRAINT django_admin_log_pkey PRIMARY KEY (id);


--
-- Name: django_content_type django_content_type_app_label_model_76bd3d3b_uniq; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.django_content_type
    ADD CONSTRAINT django_content_type_app_label_model_76bd3d3b_uniq UNIQUE (app_label, model);


--
-- Name: django_content_type django_content_type_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.django_content_type
    ADD CONSTRAINT django_content_type_pkey PRIMARY KEY (id);


--
-- Name: django_migrations django_migrations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.django_migrations
    ADD CONSTRAINT django_migrations_pkey PRIMARY KEY (id);


--
-- Name: django_session django_session_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.django_session
    ADD CONSTRAINT django_session_pkey PRIMARY KEY (session_key);


--
-- Name: fibre_fibreincident fibre_fibreincident_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fibre_fibreincident
    ADD CONSTRAINT fibre_fibreincident_pkey PRIMARY KEY (id);


--
-- Name: fibre_fibreincidentticket fibre_fibreincidentticket_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fibre_fibreincidentticket
    ADD CONSTRAINT fibre_fibreincidentticket_pkey PRIMARY KEY (id);


--
-- Name: fibre_fibresettings fibre_fibresettings_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fibre_fibresettings
    ADD CONSTRAINT fibre_fibresettings_pkey PRIMARY KEY (id);


--
-- Name: fibre_olt fibre_olt_name_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fibre_olt
    ADD CONSTRAINT fibre_olt_name_key UNIQUE (name);


--
-- Name: fibre_olt fibre_olt_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fibre_olt
    ADD CONSTRAINT fibre_olt_pkey PRIMARY KEY (id);


--
-- Name: fibre_onu_daily fibre_onu_daily_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fibre_onu_daily
    ADD CONSTRAINT fibre_onu_daily_pkey PRIMARY KEY (onu_id, day);


--
-- Name: fibre_onu_hourly fibre_onu_hourly_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fibre_onu_hourly
    ADD CONSTRAINT fibre_onu_hourly_pkey PRIMARY KEY (onu_id, hour);


--
-- Name: fibre_onu_hourly_default fibre_onu_hourly_default_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fibre_onu_hourly_default
    ADD CONSTRAINT fibre_onu_hourly_default_pkey PRIMARY KEY (onu_id, hour);


--
-- Name: fibre_onu fibre_onu_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fibre_onu
    ADD CONSTRAINT fibre_onu_pkey PRIMARY KEY (id);


--
-- Name: fibre_onu_sample fibre_onu_sample_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fibre_onu_sample
    ADD CONSTRAINT fibre_onu_sample_pkey PRIMARY KEY (onu_id, at);


--
-- Name: fibre_onu_sample_default fibre_onu_sample_default_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fibre_onu_sample_default
    ADD CONSTRAINT fibre_onu_sample_default_pkey PRIMARY KEY (onu_id, at);


--
-- Name: fibre_onustatusevent fibre_onustatusevent_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fibre_onustatusevent
    ADD CONSTRAINT fibre_onustatusevent_pkey PRIMARY KEY (id);


--
-- Name: fibre_ponport fibre_ponport_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fibre_ponport
    ADD CONSTRAINT fibre_ponport_pkey PRIMARY KEY (id);


--
-- Name: fibre_signalthreshold fibre_signalthreshold_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fibre_signalthreshold
    ADD CONSTRAINT fibre_signalthreshold_pkey PRIMARY KEY (id);


--
-- Name: fibre_signalthreshold fibre_signalthreshold_profile_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fibre_signalthreshold
    ADD CONSTRAINT fibre_signalthreshold_profile_key UNIQUE (profile);


--
-- Name: fieldservice_checklistitem fieldservice_checklistitem_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fieldservice_checklistitem
    ADD CONSTRAINT fieldservice_checklistitem_pkey PRIMARY KEY (id);


--
-- Name: fieldservice_checklisttemplate fieldservice_checklisttemplate_kind_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fieldservice_checklisttemplate
    ADD CONSTRAINT fieldservice_checklisttemplate_kind_key UNIQUE (kind);


--
-- Name: fieldservice_checklisttemplate fieldservice_checklisttemplate_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fieldservice_checklisttemplate
    ADD CONSTRAINT fieldservice_checklisttemplate_pkey PRIMARY KEY (id);


--
-- Name: fieldservice_checklisttemplateitem fieldservice_checklisttemplateitem_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fieldservice_checklisttemplateitem
    ADD CONSTRAINT fieldservice_checklisttemplateitem_pkey PRIMARY KEY (id);


--
-- Name: fieldservice_equipmentitem fieldservice_equipmentitem_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fieldservice_equipmentitem
    ADD CONSTRAINT fieldservice_equipmentitem_pkey PRIMARY KEY (id);


--
-- Name: fieldservice_equipmentitem fieldservice_equipmentitem_serial_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fieldservice_equipmentitem
    ADD CONSTRAINT fieldservice_equipmentitem_serial_key UNIQUE (serial);


--
-- Name: fieldservice_equipmentmodel fieldservice_equipmentmodel_name_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fieldservice_equipmentmodel
    ADD CONSTRAINT fieldservice_equipmentmodel_name_key UNIQUE (name);


--
-- Name: fieldservice_equipmentmodel fieldservice_equipmentmodel_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fieldservice_equipmentmodel
    ADD CONSTRAINT fieldservice_equipmentmodel_pkey PRIMARY KEY (id);


--
-- Name: fieldservice_equipmentmovement fieldservice_equipmentmovement_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fieldservice_equipmentmovement
    ADD CONSTRAINT fieldservice_equipmentmovement_pkey PRIMARY KEY (id);


--
-- Name: fieldservice_equipmentrental fieldservice_equipmentrental_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fieldservice_equipmentrental
    ADD CONSTRAINT fieldservice_equipmentrental_pkey PRIMARY KEY (id);


--
-- Name: fieldservice_equipmentrentalcharge fieldservice_equipmentrentalcharge_charge_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fieldservice_equipmentrentalcharge
    ADD CONSTRAINT fieldservice_equipmentrentalcharge_charge_id_key UNIQUE (charge_id);


--
-- Name: fieldservice_equipmentrentalcharge fieldservice_equipmentrentalcharge_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fieldservice_equipmentrentalcharge
    ADD CONSTRAINT fieldservice_equipmentrentalcharge_pkey PRIMARY KEY (id);


--
-- Name: fieldservice_syncoperation fieldservice_syncoperation_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fieldservice_syncoperation
    ADD CONSTRAINT fieldservice_syncoperation_pkey PRIMARY KEY (uuid);


--
-- Name: fieldservice_workorder fieldservice_workorder_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fieldservice_workorder
    ADD CONSTRAINT fieldservice_workorder_pkey PRIMARY KEY (id);


--
-- Name: fieldservice_workorder fieldservice_workorder_survey_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fieldservice_workorder
    ADD CONSTRAINT fieldservice_workorder_survey_id_key UNIQUE (survey_id);


--
-- Name: fieldservice_workorderevent fieldservice_workorderevent_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fieldservice_workorderevent
    ADD CONSTRAINT fieldservice_workorderevent_pkey PRIMARY KEY (id);


--
-- Name: fieldservice_workorderphoto fieldservice_workorderphoto_client_uuid_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fieldservice_workorderphoto
    ADD CONSTRAINT fieldservice_workorderphoto_client_uuid_key UNIQUE (client_uuid);


--
-- Name: fieldservice_workorderphoto fieldservice_workorderphoto_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fieldservice_workorderphoto
    ADD CONSTRAINT fieldservice_workorderphoto_pkey PRIMARY KEY (id);


--
-- Name: imports_importrow importrow_one_per_line; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.imports_importrow
    ADD CONSTRAINT importrow_one_per_line UNIQUE (batch_id, line);


--
-- Name: imports_importbatch imports_importbatch_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.imports_importbatch
    ADD CONSTRAINT imports_importbatch_pkey PRIMARY KEY (id);


--
-- Name: imports_importprofile imports_importprofile_name_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.imports_importprofile
    ADD CONSTRAINT imports_importprofile_name_key UNIQUE (name);


--
-- Name: imports_importprofile imports_importprofile_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.imports_importprofile
    ADD CONSTRAINT imports_importprofile_pkey PRIMARY KEY (id);


--
-- Name: imports_importrow imports_importrow_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.imports_importrow
    ADD CONSTRAINT imports_importrow_pkey PRIMARY KEY (id);


--
-- Name: fibre_fibreincidentticket incident_ticket_once; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fibre_fibreincidentticket
    ADD CONSTRAINT incident_ticket_once UNIQUE (incident_id, ticket_id);


--
-- Name: books_journalentry journal_one_entry_per_source; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.books_journalentry
    ADD CONSTRAINT journal_one_entry_per_source UNIQUE (source, source_id);


--
-- Name: network_addressassignment network_addressassignment_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.network_addressassignment
    ADD CONSTRAINT network_addressassignment_pkey PRIMARY KEY (id);


--
-- Name: network_addresspool network_addresspool_name_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.network_addresspool
    ADD CONSTRAINT network_addresspool_name_key UNIQUE (name);


--
-- Name: network_addresspool network_addresspool_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.network_addresspool
    ADD CONSTRAINT network_addresspool_pkey PRIMARY KEY (id);


--
-- Name: network_driftreport network_driftreport_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.network_driftreport
    ADD CONSTRAINT network_driftreport_pkey PRIMARY KEY (id);


--
-- Name: network_fupstate network_fupstate_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.network_fupstate
    ADD CONSTRAINT network_fupstate_pkey PRIMARY KEY (subscription_id);


--
-- Name: network_outage_areas network_outage_areas_outage_id_area_id_3bf361b6_uniq; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.network_outage_areas
    ADD CONSTRAINT network_outage_areas_outage_id_area_id_3bf361b6_uniq UNIQUE (outage_id, area_id);


--
-- Name: network_outage_areas network_outage_areas_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.network_outage_areas
    ADD CONSTRAINT network_outage_areas_pkey PRIMARY KEY (id);


--
-- Name: network_outage network_outage_down_period_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.network_outage
    ADD CONSTRAINT network_outage_down_period_id_key UNIQUE (down_period_id);


--
-- Name: network_outage network_outage_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.network_outage
    ADD CONSTRAINT network_outage_pkey PRIMARY KEY (id);


--
-- Name: network_outage_routers network_outage_routers_outage_id_router_id_b3904ad5_uniq; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.network_outage_routers
    ADD CONSTRAINT network_outage_routers_outage_id_router_id_b3904ad5_uniq UNIQUE (outage_id, router_id);


--
-- Name: network_outage_routers network_outage_routers_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.network_outage_routers
    ADD CONSTRAINT network_outage_routers_pkey PRIMARY KEY (id);


--
-- Name: network_outagebroadcast network_outagebroadcast_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.network_outagebroadcast
    ADD CONSTRAINT network_outagebroadcast_pkey PRIMARY KEY (id);


--
-- Name: network_outageupdate network_outageupdate_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.network_outageupdate
    ADD CONSTRAINT network_outageupdate_pkey PRIMARY KEY (id);


--
-- Name: network_provisioningtask network_provisioningtask_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.network_provisioningtask
    ADD CONSTRAINT network_provisioningtask_pkey PRIMARY KEY (id);


--
-- Name: network_router_areas network_router_areas_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.network_router_areas
    ADD CONSTRAINT network_router_areas_pkey PRIMARY KEY (id);


--
-- Name: network_router_areas network_router_areas_router_id_area_id_b67262d1_uniq; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.network_router_areas
    ADD CONSTRAINT network_router_areas_router_id_area_id_b67262d1_uniq UNIQUE (router_id, area_id);


--
-- Name: network_router network_router_name_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.network_router
    ADD CONSTRAINT network_router_name_key UNIQUE (name);


--
-- Name: network_router network_router_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.network_router
    ADD CONSTRAINT network_router_pkey PRIMARY KEY (id);


--
-- Name: network_routerdownperiod network_routerdownperiod_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.network_routerdownperiod
    ADD CONSTRAINT network_routerdownperiod_pkey PRIMARY KEY (id);


--
-- Name: network_speedboundaryrun network_speedboundaryrun_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.network_speedboundaryrun
    ADD CONSTRAINT network_speedboundaryrun_pkey PRIMARY KEY (id);


--
-- Name: network_speeddestination network_speeddestination_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.network_speeddestination
    ADD CONSTRAINT network_speeddestination_pkey PRIMARY KEY (id);


--
-- Name: network_usagedaily network_usagedaily_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.network_usagedaily
    ADD CONSTRAINT network_usagedaily_pkey PRIMARY KEY (id);


--
-- Name: network_usagehourly network_usagehourly_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.network_usagehourly
    ADD CONSTRAINT network_usagehourly_pkey PRIMARY KEY (id);


--
-- Name: network_usagepoll network_usagepoll_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.network_usagepoll
    ADD CONSTRAINT network_usagepoll_pkey PRIMARY KEY (router_id);


--
-- Name: network_usagesample network_usagesample_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.network_usagesample
    ADD CONSTRAINT network_usagesample_pkey PRIMARY KEY (id);


--
-- Name: notify_message notify_message_idempotency_key_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.notify_message
    ADD CONSTRAINT notify_message_idempotency_key_key UNIQUE (idempotency_key);


--
-- Name: notify_message notify_message_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.notify_message
    ADD CONSTRAINT notify_message_pkey PRIMARY KEY (id);


--
-- Name: notify_messagetemplate notify_messagetemplate_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.notify_messagetemplate
    ADD CONSTRAINT notify_messagetemplate_pkey PRIMARY KEY (id);


--
-- Name: notify_notificationpreference notify_notificationpreference_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.notify_notificationpreference
    ADD CONSTRAINT notify_notificationpreference_pkey PRIMARY KEY (id);


--
-- Name: notify_notificationpreference notify_preference_unique_per_event; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.notify_notificationpreference
    ADD CONSTRAINT notify_preference_unique_per_event UNIQUE (customer_id, event);


--
-- Name: notify_messagetemplate notify_template_unique_per_event_channel_language; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.notify_messagetemplate
    ADD CONSTRAINT notify_template_unique_per_event_channel_language UNIQUE (event, channel, language);


--
-- Name: churn_retentionoffercredit one_retention_credit_per_offer_invoice; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.churn_retentionoffercredit
    ADD CONSTRAINT one_retention_credit_per_offer_invoice UNIQUE (offer_id, invoice_id);


--
-- Name: fibre_onu onu_unique_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fibre_onu
    ADD CONSTRAINT onu_unique_key UNIQUE (olt_id, key);


--
-- Name: network_outagebroadcast outage_broadcast_once; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.network_outagebroadcast
    ADD CONSTRAINT outage_broadcast_once UNIQUE (outage_id, event, occurrence);


--
-- Name: payments_autopay payments_autopay_customer_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_autopay
    ADD CONSTRAINT payments_autopay_customer_id_key UNIQUE (customer_id);


--
-- Name: payments_autopay payments_autopay_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_autopay
    ADD CONSTRAINT payments_autopay_pkey PRIMARY KEY (id);


--
-- Name: payments_autopayattempt payments_autopayattempt_invoice_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_autopayattempt
    ADD CONSTRAINT payments_autopayattempt_invoice_id_key UNIQUE (invoice_id);


--
-- Name: payments_autopayattempt payments_autopayattempt_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_autopayattempt
    ADD CONSTRAINT payments_autopayattempt_pkey PRIMARY KEY (id);


--
-- Name: payments_autopayrun payments_autopayrun_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_autopayrun
    ADD CONSTRAINT payments_autopayrun_pkey PRIMARY KEY (id);


--
-- Name: payments_bkashagreement payments_bkashagreement_link_payment_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_bkashagreement
    ADD CONSTRAINT payments_bkashagreement_link_payment_id_key UNIQUE (link_payment_id);


--
-- Name: payments_bkashagreement payments_bkashagreement_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_bkashagreement
    ADD CONSTRAINT payments_bkashagreement_pkey PRIMARY KEY (id);


--
-- Name: payments_bkashsettings_branches payments_bkashsettings_b_bkashsettings_id_branch__1a605637_uniq; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_bkashsettings_branches
    ADD CONSTRAINT payments_bkashsettings_b_bkashsettings_id_branch__1a605637_uniq UNIQUE (bkashsettings_id, branch_id);


--
-- Name: payments_bkashsettings_branches payments_bkashsettings_branches_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_bkashsettings_branches
    ADD CONSTRAINT payments_bkashsettings_branches_pkey PRIMARY KEY (id);


--
-- Name: payments_bkashsettings payments_bkashsettings_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_bkashsettings
    ADD CONSTRAINT payments_bkashsettings_pkey PRIMARY KEY (id);


--
-- Name: payments_cashhandover payments_cashhandover_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_cashhandover
    ADD CONSTRAINT payments_cashhandover_pkey PRIMARY KEY (id);


--
-- Name: payments_gatewayevent payments_gatewayevent_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_gatewayevent
    ADD CONSTRAINT payments_gatewayevent_pkey PRIMARY KEY (id);


--
-- Name: payments_gatewaypayment_invoices payments_gatewaypayment__gatewaypayment_id_invoic_410e0881_uniq; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_gatewaypayment_invoices
    ADD CONSTRAINT payments_gatewaypayment__gatewaypayment_id_invoic_410e0881_uniq UNIQUE (gatewaypayment_id, invoice_id);


--
-- Name: payments_gatewaypayment payments_gatewaypayment_card_sale_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_gatewaypayment
    ADD CONSTRAINT payments_gatewaypayment_card_sale_id_key UNIQUE (card_sale_id);


--
-- Name: payments_gatewaypayment payments_gatewaypayment_fee_entry_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_gatewaypayment
    ADD CONSTRAINT payments_gatewaypayment_fee_entry_id_key UNIQUE (fee_entry_id);


--
-- Name: payments_gatewaypayment_invoices payments_gatewaypayment_invoices_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_gatewaypayment_invoices
    ADD CONSTRAINT payments_gatewaypayment_invoices_pkey PRIMARY KEY (id);


--
-- Name: payments_gatewaypayment payments_gatewaypayment_payment_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_gatewaypayment
    ADD CONSTRAINT payments_gatewaypayment_payment_id_key UNIQUE (payment_id);


--
-- Name: payments_gatewaypayment payments_gatewaypayment_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_gatewaypayment
    ADD CONSTRAINT payments_gatewaypayment_pkey PRIMARY KEY (id);


--
-- Name: payments_gatewaypayment payments_gatewaypayment_tran_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_gatewaypayment
    ADD CONSTRAINT payments_gatewaypayment_tran_id_key UNIQUE (tran_id);


--
-- Name: payments_gatewaypayment payments_gatewaypayment_val_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_gatewaypayment
    ADD CONSTRAINT payments_gatewaypayment_val_id_key UNIQUE (val_id);


--
-- Name: payments_gatewayrefund payments_gatewayrefund_ledger_entry_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_gatewayrefund
    ADD CONSTRAINT payments_gatewayrefund_ledger_entry_id_key UNIQUE (ledger_entry_id);


--
-- Name: payments_gatewayrefund payments_gatewayrefund_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_gatewayrefund
    ADD CONSTRAINT payments_gatewayrefund_pkey PRIMARY KEY (id);


--
-- Name: payments_gatewayrefund payments_gatewayrefund_refe_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_gatewayrefund
    ADD CONSTRAINT payments_gatewayrefund_refe_id_key UNIQUE (refe_id);


--
-- Name: payments_gatewayrefund payments_gatewayrefund_request_key_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_gatewayrefund
    ADD CONSTRAINT payments_gatewayrefund_request_key_key UNIQUE (request_key);


--
-- Name: payments_gatewaysettings_branches payments_gatewaysettings_branches_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_gatewaysettings_branches
    ADD CONSTRAINT payments_gatewaysettings_branches_pkey PRIMARY KEY (id);


--
-- Name: payments_gatewaysettings_branches payments_gatewaysettings_gatewaysettings_id_branc_37083470_uniq; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_gatewaysettings_branches
    ADD CONSTRAINT payments_gatewaysettings_gatewaysettings_id_branc_37083470_uniq UNIQUE (gatewaysettings_id, branch_id);


--
-- Name: payments_gatewaysettings payments_gatewaysettings_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_gatewaysettings
    ADD CONSTRAINT payments_gatewaysettings_pkey PRIMARY KEY (id);


--
-- Name: payments_gatewaystatement payments_gatewaystatement_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_gatewaystatement
    ADD CONSTRAINT payments_gatewaystatement_pkey PRIMARY KEY (id);


--
-- Name: payments_gatewaystatementline payments_gatewaystatementline_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_gatewaystatementline
    ADD CONSTRAINT payments_gatewaystatementline_pkey PRIMARY KEY (id);


--
-- Name: payments_nagadsettings_branches payments_nagadsettings_b_nagadsettings_id_branch__c70d7bd0_uniq; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_nagadsettings_branches
    ADD CONSTRAINT payments_nagadsettings_b_nagadsettings_id_branch__c70d7bd0_uniq UNIQUE (nagadsettings_id, branch_id);


--
-- Name: payments_nagadsettings_branches payments_nagadsettings_branches_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_nagadsettings_branches
    ADD CONSTRAINT payments_nagadsettings_branches_pkey PRIMARY KEY (id);


--
-- Name: payments_nagadsettings payments_nagadsettings_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_nagadsettings
    ADD CONSTRAINT payments_nagadsettings_pkey PRIMARY KEY (id);


--
-- Name: payments_pastpayment payments_pastpayment_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_pastpayment
    ADD CONSTRAINT payments_pastpayment_pkey PRIMARY KEY (id);


--
-- Name: payments_pastpayment payments_pastpayment_reference_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_pastpayment
    ADD CONSTRAINT payments_pastpayment_reference_key UNIQUE (reference);


--
-- Name: payments_payment payments_payment_idempotency_key_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_payment
    ADD CONSTRAINT payments_payment_idempotency_key_key UNIQUE (idempotency_key);


--
-- Name: payments_payment payments_payment_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_payment
    ADD CONSTRAINT payments_payment_pkey PRIMARY KEY (id);


--
-- Name: payments_payment payments_payment_receipt_number_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_payment
    ADD CONSTRAINT payments_payment_receipt_number_key UNIQUE (receipt_number);


--
-- Name: payments_queuedpayment payments_queuedpayment_idempotency_key_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_queuedpayment
    ADD CONSTRAINT payments_queuedpayment_idempotency_key_key UNIQUE (idempotency_key);


--
-- Name: payments_queuedpayment payments_queuedpayment_payment_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_queuedpayment
    ADD CONSTRAINT payments_queuedpayment_payment_id_key UNIQUE (payment_id);


--
-- Name: payments_queuedpayment payments_queuedpayment_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_queuedpayment
    ADD CONSTRAINT payments_queuedpayment_pkey PRIMARY KEY (id);


--
-- Name: payments_reconciliationitem payments_reconciliationitem_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_reconciliationitem
    ADD CONSTRAINT payments_reconciliationitem_pkey PRIMARY KEY (id);


--
-- Name: payments_reconciliationrun payments_reconciliationrun_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_reconciliationrun
    ADD CONSTRAINT payments_reconciliationrun_pkey PRIMARY KEY (id);


--
-- Name: payments_vdsdeduction payments_vdsdeduction_payment_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_vdsdeduction
    ADD CONSTRAINT payments_vdsdeduction_payment_id_key UNIQUE (payment_id);


--
-- Name: payments_vdsdeduction payments_vdsdeduction_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_vdsdeduction
    ADD CONSTRAINT payments_vdsdeduction_pkey PRIMARY KEY (id);


--
-- Name: fibre_ponport pon_port_unique_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fibre_ponport
    ADD CONSTRAINT pon_port_unique_key UNIQUE (olt_id, key);


--
-- Name: radius_radacct radacct_acctuniqueid_uniq; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.radius_radacct
    ADD CONSTRAINT radacct_acctuniqueid_uniq UNIQUE (acctuniqueid);


--
-- Name: radius_bad_secret_drop radius_bad_secret_drop_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.radius_bad_secret_drop
    ADD CONSTRAINT radius_bad_secret_drop_pkey PRIMARY KEY (router_id);


--
-- Name: radius_login_state radius_login_state_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.radius_login_state
    ADD CONSTRAINT radius_login_state_pkey PRIMARY KEY (subscription_id);


--
-- Name: radius_packageradius radius_packageradius_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.radius_packageradius
    ADD CONSTRAINT radius_packageradius_pkey PRIMARY KEY (package_id);


--
-- Name: radius_postauth radius_postauth_answer_uniq; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.radius_postauth
    ADD CONSTRAINT radius_postauth_answer_uniq UNIQUE (answer_id);


--
-- Name: radius_postauth radius_postauth_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.radius_postauth
    ADD CONSTRAINT radius_postauth_pkey PRIMARY KEY (id);


--
-- Name: radius_radacct radius_radacct_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.radius_radacct
    ADD CONSTRAINT radius_radacct_pkey PRIMARY KEY (radacctid);


--
-- Name: radius_router_reload radius_router_reload_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.radius_router_reload
    ADD CONSTRAINT radius_router_reload_pkey PRIMARY KEY (router_id);


--
-- Name: radius_servers_pushed radius_servers_pushed_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.radius_servers_pushed
    ADD CONSTRAINT radius_servers_pushed_pkey PRIMARY KEY (id);


--
-- Name: radius_session_log radius_session_log_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.radius_session_log
    ADD CONSTRAINT radius_session_log_pkey PRIMARY KEY (radacctid, acctstoptime);


--
-- Name: radius_session_log_default radius_session_log_default_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.radius_session_log_default
    ADD CONSTRAINT radius_session_log_default_pkey PRIMARY KEY (radacctid, acctstoptime);


--
-- Name: radius_session_log_p202610 radius_session_log_p202610_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.radius_session_log_p202610
    ADD CONSTRAINT radius_session_log_p202610_pkey PRIMARY KEY (radacctid, acctstoptime);


--
-- Name: radius_session_log_p202611 radius_session_log_p202611_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.radius_session_log_p202611
    ADD CONSTRAINT radius_session_log_p202611_pkey PRIMARY KEY (radacctid, acctstoptime);


--
-- Name: radius_session_log_p202612 radius_session_log_p202612_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.radius_session_log_p202612
    ADD CONSTRAINT radius_session_log_p202612_pkey PRIMARY KEY (radacctid, acctstoptime);


--
-- Name: radius_session_log_p202701 radius_session_log_p202701_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.radius_session_log_p202701
    ADD CONSTRAINT radius_session_log_p202701_pkey PRIMARY KEY (radacctid, acctstoptime);


--
-- Name: radius_session_log_p202702 radius_session_log_p202702_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.radius_session_log_p202702
    ADD CONSTRAINT radius_session_log_p202702_pkey PRIMARY KEY (radacctid, acctstoptime);


--
-- Name: payments_reconciliationitem reconciliation_item_once_per_day; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_reconciliationitem
    ADD CONSTRAINT reconciliation_item_once_per_day UNIQUE (gateway, day, key);


--
-- Name: resellers_resellerpackage resellerpackage_once; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resellers_resellerpackage
    ADD CONSTRAINT resellerpackage_once UNIQUE (reseller_id, package_id);


--
-- Name: resellers_commissionrule resellers_commissionrule_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resellers_commissionrule
    ADD CONSTRAINT resellers_commissionrule_pkey PRIMARY KEY (id);


--
-- Name: resellers_commissionstatement resellers_commissionstatement_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resellers_commissionstatement
    ADD CONSTRAINT resellers_commissionstatement_pkey PRIMARY KEY (id);


--
-- Name: resellers_payout resellers_payout_entry_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resellers_payout
    ADD CONSTRAINT resellers_payout_entry_id_key UNIQUE (entry_id);


--
-- Name: resellers_payout resellers_payout_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resellers_payout
    ADD CONSTRAINT resellers_payout_pkey PRIMARY KEY (id);


--
-- Name: resellers_renewal resellers_renewal_entry_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resellers_renewal
    ADD CONSTRAINT resellers_renewal_entry_id_key UNIQUE (entry_id);


--
-- Name: resellers_renewal resellers_renewal_idempotency_key_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resellers_renewal
    ADD CONSTRAINT resellers_renewal_idempotency_key_key UNIQUE (idempotency_key);


--
-- Name: resellers_renewal resellers_renewal_parent_entry_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resellers_renewal
    ADD CONSTRAINT resellers_renewal_parent_entry_id_key UNIQUE (parent_entry_id);


--
-- Name: resellers_renewal resellers_renewal_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resellers_renewal
    ADD CONSTRAINT resellers_renewal_pkey PRIMARY KEY (id);


--
-- Name: resellers_reseller_areas resellers_reseller_areas_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resellers_reseller_areas
    ADD CONSTRAINT resellers_reseller_areas_pkey PRIMARY KEY (id);


--
-- Name: resellers_reseller_areas resellers_reseller_areas_reseller_id_area_id_2edb4467_uniq; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resellers_reseller_areas
    ADD CONSTRAINT resellers_reseller_areas_reseller_id_area_id_2edb4467_uniq UNIQUE (reseller_id, area_id);


--
-- Name: resellers_reseller resellers_reseller_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resellers_reseller
    ADD CONSTRAINT resellers_reseller_pkey PRIMARY KEY (id);


--
-- Name: resellers_reseller resellers_reseller_user_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resellers_reseller
    ADD CONSTRAINT resellers_reseller_user_id_key UNIQUE (user_id);


--
-- Name: resellers_resellerlogin resellers_resellerlogin_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resellers_resellerlogin
    ADD CONSTRAINT resellers_resellerlogin_pkey PRIMARY KEY (id);


--
-- Name: resellers_resellerlogin resellers_resellerlogin_user_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resellers_resellerlogin
    ADD CONSTRAINT resellers_resellerlogin_user_id_key UNIQUE (user_id);


--
-- Name: resellers_resellerpackage resellers_resellerpackage_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resellers_resellerpackage
    ADD CONSTRAINT resellers_resellerpackage_pkey PRIMARY KEY (id);


--
-- Name: tickets_slapolicy sla_policy_unique_priority_category; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tickets_slapolicy
    ADD CONSTRAINT sla_policy_unique_priority_category UNIQUE (priority, category);


--
-- Name: network_speeddestination speed_destination_unique; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.network_speeddestination
    ADD CONSTRAINT speed_destination_unique UNIQUE (kind, prefix);


--
-- Name: network_speedboundaryrun speed_run_one_per_router_and_edge; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.network_speedboundaryrun
    ADD CONSTRAINT speed_run_one_per_router_and_edge UNIQUE (router_id, boundary_at);


--
-- Name: customers_packagespeedwindow speed_window_one_start_per_package; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customers_packagespeedwindow
    ADD CONSTRAINT speed_window_one_start_per_package UNIQUE (package_id, starts);


--
-- Name: tickets_holiday tickets_holiday_date_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tickets_holiday
    ADD CONSTRAINT tickets_holiday_date_key UNIQUE (date);


--
-- Name: tickets_holiday tickets_holiday_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tickets_holiday
    ADD CONSTRAINT tickets_holiday_pkey PRIMARY KEY (id);


--
-- Name: tickets_slapolicy tickets_slapolicy_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tickets_slapolicy
    ADD CONSTRAINT tickets_slapolicy_pkey PRIMARY KEY (id);


--
-- Name: tickets_supportsettings tickets_supportsettings_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tickets_supportsettings
    ADD CONSTRAINT tickets_supportsettings_pkey PRIMARY KEY (id);


--
-- Name: tickets_survey tickets_survey_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tickets_survey
    ADD CONSTRAINT tickets_survey_pkey PRIMARY KEY (id);


--
-- Name: tickets_survey tickets_survey_ticket_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tickets_survey
    ADD CONSTRAINT tickets_survey_ticket_id_key UNIQUE (ticket_id);


--
-- Name: tickets_ticket tickets_ticket_number_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tickets_ticket
    ADD CONSTRAINT tickets_ticket_number_key UNIQUE (number);


--
-- Name: tickets_ticket tickets_ticket_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tickets_ticket
    ADD CONSTRAINT tickets_ticket_pkey PRIMARY KEY (id);


--
-- Name: tickets_ticketcomment tickets_ticketcomment_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tickets_ticketcomment
    ADD CONSTRAINT tickets_ticketcomment_pkey PRIMARY KEY (id);


--
-- Name: network_usagedaily usage_daily_unique; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.network_usagedaily
    ADD CONSTRAINT usage_daily_unique UNIQUE (subscription_id, day);


--
-- Name: network_usagehourly usage_hourly_unique; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.network_usagehourly
    ADD CONSTRAINT usage_hourly_unique UNIQUE (subscription_id, hour);


--
-- Name: vouchers_batchcodes vouchers_batchcodes_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.vouchers_batchcodes
    ADD CONSTRAINT vouchers_batchcodes_pkey PRIMARY KEY (batch_id);


--
-- Name: vouchers_cardloginkey vouchers_cardloginkey_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.vouchers_cardloginkey
    ADD CONSTRAINT vouchers_cardloginkey_pkey PRIMARY KEY (id);


--
-- Name: vouchers_cardsession vouchers_cardsession_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.vouchers_cardsession
    ADD CONSTRAINT vouchers_cardsession_pkey PRIMARY KEY (acctuniqueid);


--
-- Name: vouchers_voucherbatch vouchers_voucherbatch_number_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.vouchers_voucherbatch
    ADD CONSTRAINT vouchers_voucherbatch_number_key UNIQUE (number);


--
-- Name: vouchers_voucherbatch vouchers_voucherbatch_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.vouchers_voucherbatch
    ADD CONSTRAINT vouchers_voucherbatch_pkey PRIMARY KEY (id);


--
-- Name: vouchers_voucherbatch vouchers_voucherbatch_refund_entry_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.vouchers_voucherbatch
    ADD CONSTRAINT vouchers_voucherbatch_refund_entry_id_key UNIQUE (refund_entry_id);


--
-- Name: vouchers_voucherbatch vouchers_voucherbatch_wallet_entry_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.vouchers_voucherbatch
    ADD CONSTRAINT vouchers_voucherbatch_wallet_entry_id_key UNIQUE (wallet_entry_id);


--
-- Name: vouchers_vouchercard vouchers_vouchercard_code_hmac_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.vouchers_vouchercard
    ADD CONSTRAINT vouchers_vouchercard_code_hmac_key UNIQUE (code_hmac);


--
-- Name: vouchers_vouchercard vouchers_vouchercard_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.vouchers_vouchercard
    ADD CONSTRAINT vouchers_vouchercard_pkey PRIMARY KEY (id);


--
-- Name: vouchers_vouchercard vouchers_vouchercard_redeemed_payment_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.vouchers_vouchercard
    ADD CONSTRAINT vouchers_vouchercard_redeemed_payment_id_key UNIQUE (redeemed_payment_id);


--
-- Name: vouchers_vouchercard vouchers_vouchercard_serial_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.vouchers_vouchercard
    ADD CONSTRAINT vouchers_vouchercard_serial_key UNIQUE (serial);


--
-- Name: vouchers_voucherplan vouchers_voucherplan_name_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.vouchers_voucherplan
    ADD CONSTRAINT vouchers_voucherplan_name_key UNIQUE (name);


--
-- Name: vouchers_voucherplan vouchers_voucherplan_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.vouchers_voucherplan
    ADD CONSTRAINT vouchers_voucherplan_pkey PRIMARY KEY (id);


--
-- Name: vouchers_wifipurchase vouchers_wifipurchase_card_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.vouchers_wifipurchase
    ADD CONSTRAINT vouchers_wifipurchase_card_id_key UNIQUE (card_id);


--
-- Name: vouchers_wifipurchase vouchers_wifipurchase_gateway_payment_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.vouchers_wifipurchase
    ADD CONSTRAINT vouchers_wifipurchase_gateway_payment_id_key UNIQUE (gateway_payment_id);


--
-- Name: vouchers_wifipurchase vouchers_wifipurchase_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.vouchers_wifipurchase
    ADD CONSTRAINT vouchers_wifipurchase_pkey PRIMARY KEY (id);


--
-- Name: vouchers_wifipurchase vouchers_wifipurchase_token_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.vouchers_wifipurchase
    ADD CONSTRAINT vouchers_wifipurchase_token_key UNIQUE (token);


--
-- Name: vouchers_wifisignupcode vouchers_wifisignupcode_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.vouchers_wifisignupcode
    ADD CONSTRAINT vouchers_wifisignupcode_pkey PRIMARY KEY (id);


--
-- Name: vouchers_wifizone vouchers_wifizone_name_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.vouchers_wifizone
    ADD CONSTRAINT vouchers_wifizone_name_key UNIQUE (name);


--
-- Name: vouchers_wifizone vouchers_wifizone_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.vouchers_wifizone
    ADD CONSTRAINT vouchers_wifizone_pkey PRIMARY KEY (id);


--
-- Name: accounts_customersession_session_key_3874f150_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX accounts_customersession_session_key_3874f150_like ON public.accounts_customersession USING btree (session_key varchar_pattern_ops);


--
-- Name: accounts_customersession_user_id_506ead26; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX accounts_customersession_user_id_506ead26 ON public.accounts_customersession USING btree (user_id);


--
-- Name: accounts_onetimecode_customer_id_499b5aba; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX accounts_onetimecode_customer_id_499b5aba ON public.accounts_onetimecode USING btree (customer_id);


--
-- Name: accounts_user_branches_branch_id_e134a618; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX accounts_user_branches_branch_id_e134a618 ON public.accounts_user_branches USING btree (branch_id);


--
-- Name: accounts_user_branches_user_id_e71cebef; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX accounts_user_branches_user_id_e71cebef ON public.accounts_user_branches USING btree (user_id);


--
-- Name: accounts_user_groups_group_id_bd11a704; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX accounts_user_groups_group_id_bd11a704 ON public.accounts_user_groups USING btree (group_id);


--
-- Name: accounts_user_groups_user_id_52b62117; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX accounts_user_groups_user_id_52b62117 ON public.accounts_user_groups USING btree (user_id);


--
-- Name: accounts_user_kind_16a12587; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX accounts_user_kind_16a12587 ON public.accounts_user USING btree (kind);


--
-- Name: accounts_user_kind_16a12587_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX accounts_user_kind_16a12587_like ON public.accounts_user USING btree (kind varchar_pattern_ops);


--
-- Name: accounts_user_user_permissions_permission_id_113bb443; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX accounts_user_user_permissions_permission_id_113bb443 ON public.accounts_user_user_permissions USING btree (permission_id);


--
-- Name: accounts_user_user_permissions_user_id_e4f0a161; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX accounts_user_user_permissions_user_id_e4f0a161 ON public.accounts_user_user_permissions USING btree (user_id);


--
-- Name: accounts_user_username_6088629e_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX accounts_user_username_6088629e_like ON public.accounts_user USING btree (username varchar_pattern_ops);


--
-- Name: address_assignment_key_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX address_assignment_key_idx ON public.network_addressassignment USING btree (first_key, last_key);


--
-- Name: address_assignment_live_unique; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX address_assignment_live_unique ON public.network_addressassignment USING btree (router_id, address) WHERE (released_at IS NULL);


--
-- Name: address_assignment_one_per_family; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX address_assignment_one_per_family ON public.network_addressassignment USING btree (subscription_id, family) WHERE (released_at IS NULL);


--
-- Name: address_assignment_pool_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX address_assignment_pool_idx ON public.network_addressassignment USING btree (pool_id, first_key) WHERE (released_at IS NULL);


--
-- Name: allocation_created_at_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX allocation_created_at_idx ON public.billing_allocation USING btree (created_at);


--
-- Name: api_apitoken_branches_apitoken_id_cde461b9; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX api_apitoken_branches_apitoken_id_cde461b9 ON public.api_apitoken_branches USING btree (apitoken_id);


--
-- Name: api_apitoken_branches_branch_id_0af1f1db; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX api_apitoken_branches_branch_id_0af1f1db ON public.api_apitoken_branches USING btree (branch_id);


--
-- Name: api_apitoken_created_by_id_920f9908; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX api_apitoken_created_by_id_920f9908 ON public.api_apitoken USING btree (created_by_id);


--
-- Name: api_apitoken_customer_id_ae37351a; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX api_apitoken_customer_id_ae37351a ON public.api_apitoken USING btree (customer_id);


--
-- Name: api_apitoken_prefix_86dcf429; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX api_apitoken_prefix_86dcf429 ON public.api_apitoken USING btree (prefix);


--
-- Name: api_apitoken_prefix_86dcf429_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX api_apitoken_prefix_86dcf429_like ON public.api_apitoken USING btree (prefix varchar_pattern_ops);


--
-- Name: api_apitoken_token_hash_63240353_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX api_apitoken_token_hash_63240353_like ON public.api_apitoken USING btree (token_hash varchar_pattern_ops);


--
-- Name: api_apitoken_user_id_9cffaf33; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX api_apitoken_user_id_9cffaf33 ON public.api_apitoken USING btree (user_id);


--
-- Name: audit_object_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX audit_object_idx ON public.core_auditlog USING btree (content_type_id, object_id, at DESC);


--
-- Name: auth_group_name_a6ea08ec_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX auth_group_name_a6ea08ec_like ON public.auth_group USING btree (name varchar_pattern_ops);


--
-- Name: auth_group_permissions_group_id_b120cbf9; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX auth_group_permissions_group_id_b120cbf9 ON public.auth_group_permissions USING btree (group_id);


--
-- Name: auth_group_permissions_permission_id_84c5c92e; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX auth_group_permissions_permission_id_84c5c92e ON public.auth_group_permissions USING btree (permission_id);


--
-- Name: auth_permission_content_type_id_2f476e4b; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX auth_permission_content_type_id_2f476e4b ON public.auth_permission USING btree (content_type_id);


--
-- Name: axes_accessattempt_ip_address_10922d9c; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX axes_accessattempt_ip_address_10922d9c ON public.axes_accessattempt USING btree (ip_address);


--
-- Name: axes_accessattempt_user_agent_ad89678b; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX axes_accessattempt_user_agent_ad89678b ON public.axes_accessattempt USING btree (user_agent);


--
-- Name: axes_accessattempt_user_agent_ad89678b_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX axes_accessattempt_user_agent_ad89678b_like ON public.axes_accessattempt USING btree (user_agent varchar_pattern_ops);


--
-- Name: axes_accessattempt_username_3f2d4ca0; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX axes_accessattempt_username_3f2d4ca0 ON public.axes_accessattempt USING btree (username);


--
-- Name: axes_accessattempt_username_3f2d4ca0_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX axes_accessattempt_username_3f2d4ca0_like ON public.axes_accessattempt USING btree (username varchar_pattern_ops);


--
-- Name: axes_accessfailurelog_ip_address_2e9f5a7f; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX axes_accessfailurelog_ip_address_2e9f5a7f ON public.axes_accessfailurelog USING btree (ip_address);


--
-- Name: axes_accessfailurelog_user_agent_ea145dda; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX axes_accessfailurelog_user_agent_ea145dda ON public.axes_accessfailurelog USING btree (user_agent);


--
-- Name: axes_accessfailurelog_user_agent_ea145dda_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX axes_accessfailurelog_user_agent_ea145dda_like ON public.axes_accessfailurelog USING btree (user_agent varchar_pattern_ops);


--
-- Name: axes_accessfailurelog_username_a8b7e8a4; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX axes_accessfailurelog_username_a8b7e8a4 ON public.axes_accessfailurelog USING btree (username);


--
-- Name: axes_accessfailurelog_username_a8b7e8a4_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX axes_accessfailurelog_username_a8b7e8a4_like ON public.axes_accessfailurelog USING btree (username varchar_pattern_ops);


--
-- Name: axes_accesslog_ip_address_86b417e5; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX axes_accesslog_ip_address_86b417e5 ON public.axes_accesslog USING btree (ip_address);


--
-- Name: axes_accesslog_user_agent_0e659004; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX axes_accesslog_user_agent_0e659004 ON public.axes_accesslog USING btree (user_agent);


--
-- Name: axes_accesslog_user_agent_0e659004_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX axes_accesslog_user_agent_0e659004_like ON public.axes_accesslog USING btree (user_agent varchar_pattern_ops);


--
-- Name: axes_accesslog_username_df93064b; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX axes_accesslog_username_df93064b ON public.axes_accesslog USING btree (username);


--
-- Name: axes_accesslog_username_df93064b_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX axes_accesslog_username_df93064b_like ON public.axes_accesslog USING btree (username varchar_pattern_ops);


--
-- Name: bill_date_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX bill_date_idx ON public.books_bill USING btree (bill_date);


--
-- Name: billing_allocation_invoice_id_15f029b8; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_allocation_invoice_id_15f029b8 ON public.billing_allocation USING btree (invoice_id);


--
-- Name: billing_allocation_payment_id_23aa1b53; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_allocation_payment_id_23aa1b53 ON public.billing_allocation USING btree (payment_id);


--
-- Name: billing_billingrun_started_by_id_89f824cb; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_billingrun_started_by_id_89f824cb ON public.billing_billingrun USING btree (started_by_id);


--
-- Name: billing_billingrunchunk_run_id_eaf401b6; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_billingrunchunk_run_id_eaf401b6 ON public.billing_billingrunchunk USING btree (run_id);


--
-- Name: billing_cardsale_idempotency_key_89700999_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_cardsale_idempotency_key_89700999_like ON public.billing_cardsale USING btree (idempotency_key varchar_pattern_ops);


--
-- Name: billing_cardsalerefund_idempotency_key_d6d7bf71_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_cardsalerefund_idempotency_key_d6d7bf71_like ON public.billing_cardsalerefund USING btree (idempotency_key varchar_pattern_ops);


--
-- Name: billing_commissionentry_created_by_id_21519b7d; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_commissionentry_created_by_id_21519b7d ON public.billing_commissionentry USING btree (created_by_id);


--
-- Name: billing_commissionentry_payment_id_9f045577; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_commissionentry_payment_id_9f045577 ON public.billing_commissionentry USING btree (payment_id);


--
-- Name: billing_commissionentry_subscription_id_d30b8c63; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_commissionentry_subscription_id_d30b8c63 ON public.billing_commissionentry USING btree (subscription_id);


--
-- Name: billing_commissionentry_wallet_id_07a872eb; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_commissionentry_wallet_id_07a872eb ON public.billing_commissionentry USING btree (wallet_id);


--
-- Name: billing_crediteddays_entry_id_d9c701ec; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_crediteddays_entry_id_d9c701ec ON public.billing_crediteddays USING btree (entry_id);


--
-- Name: billing_crediteddays_line_id_a90536c7; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_crediteddays_line_id_a90536c7 ON public.billing_crediteddays USING btree (line_id);


--
-- Name: billing_creditnote_created_by_id_b88f0dd1; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_creditnote_created_by_id_b88f0dd1 ON public.billing_creditnote USING btree (created_by_id);


--
-- Name: billing_creditnote_customer_id_e20751e3; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_creditnote_customer_id_e20751e3 ON public.billing_creditnote USING btree (customer_id);


--
-- Name: billing_creditnote_invoice_id_38246c17; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_creditnote_invoice_id_38246c17 ON public.billing_creditnote USING btree (invoice_id);


--
-- Name: billing_creditnote_number_29e396b2_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_creditnote_number_29e396b2_like ON public.billing_creditnote USING btree (number varchar_pattern_ops);


--
-- Name: billing_debitnote_challan_number_b3ed88da_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_debitnote_challan_number_b3ed88da_like ON public.billing_debitnote USING btree (challan_number varchar_pattern_ops);


--
-- Name: billing_debitnote_created_by_id_492b3a96; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_debitnote_created_by_id_492b3a96 ON public.billing_debitnote USING btree (created_by_id);


--
-- Name: billing_debitnote_customer_id_e46920f7; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_debitnote_customer_id_e46920f7 ON public.billing_debitnote USING btree (customer_id);


--
-- Name: billing_debitnote_invoice_id_5363a691; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_debitnote_invoice_id_5363a691 ON public.billing_debitnote USING btree (invoice_id);


--
-- Name: billing_debitnote_number_b3922cec_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_debitnote_number_b3922cec_like ON public.billing_debitnote USING btree (number varchar_pattern_ops);


--
-- Name: billing_invoice_billing_run_id_355fabd7; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_invoice_billing_run_id_355fabd7 ON public.billing_invoice USING btree (billing_run_id);


--
-- Name: billing_invoice_customer_id_12e1ebba; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_invoice_customer_id_12e1ebba ON public.billing_invoice USING btree (customer_id);


--
-- Name: billing_invoice_due_date_70ac8cae; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_invoice_due_date_70ac8cae ON public.billing_invoice USING btree (due_date);


--
-- Name: billing_invoice_number_b2bb8a8d_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_invoice_number_b2bb8a8d_like ON public.billing_invoice USING btree (number varchar_pattern_ops);


--
-- Name: billing_invoice_status_1ba1484f; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_invoice_status_1ba1484f ON public.billing_invoice USING btree (status);


--
-- Name: billing_invoice_status_1ba1484f_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_invoice_status_1ba1484f_like ON public.billing_invoice USING btree (status varchar_pattern_ops);


--
-- Name: billing_invoiceline_invoice_id_ff507e12; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_invoiceline_invoice_id_ff507e12 ON public.billing_invoiceline USING btree (invoice_id);


--
-- Name: billing_invoiceline_subscription_id_7b3b3333; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_invoiceline_subscription_id_7b3b3333 ON public.billing_invoiceline USING btree (subscription_id);


--
-- Name: billing_ledgerentry_account_id_ac8d6a24; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_ledgerentry_account_id_ac8d6a24 ON public.billing_ledgerentry USING btree (account_id);


--
-- Name: billing_ledgerentry_created_by_id_ec50a513; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_ledgerentry_created_by_id_ec50a513 ON public.billing_ledgerentry USING btree (created_by_id);


--
-- Name: billing_ledgerentry_invoice_id_031b29f8; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_ledgerentry_invoice_id_031b29f8 ON public.billing_ledgerentry USING btree (invoice_id);


--
-- Name: billing_ledgerentry_payment_id_11b5927c; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_ledgerentry_payment_id_11b5927c ON public.billing_ledgerentry USING btree (payment_id);


--
-- Name: billing_linecredit_line_id_1d0a1100; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_linecredit_line_id_1d0a1100 ON public.billing_linecredit USING btree (line_id);


--
-- Name: billing_onetimecharge_created_by_id_0f77b1a9; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_onetimecharge_created_by_id_0f77b1a9 ON public.billing_onetimecharge USING btree (created_by_id);


--
-- Name: billing_onetimecharge_customer_id_d56ec3b0; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_onetimecharge_customer_id_d56ec3b0 ON public.billing_onetimecharge USING btree (customer_id);


--
-- Name: billing_onetimecharge_invoice_id_fb3e5ea1; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_onetimecharge_invoice_id_fb3e5ea1 ON public.billing_onetimecharge USING btree (invoice_id);


--
-- Name: billing_onetimecharge_status_57cf6638; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_onetimecharge_status_57cf6638 ON public.billing_onetimecharge USING btree (status);


--
-- Name: billing_onetimecharge_status_57cf6638_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_onetimecharge_status_57cf6638_like ON public.billing_onetimecharge USING btree (status varchar_pattern_ops);


--
-- Name: billing_onetimecharge_subscription_id_3e855b7f; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_onetimecharge_subscription_id_3e855b7f ON public.billing_onetimecharge USING btree (subscription_id);


--
-- Name: billing_packagechange_credit_entry_id_d8768f1e; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_packagechange_credit_entry_id_d8768f1e ON public.billing_packagechange USING btree (credit_entry_id);


--
-- Name: billing_packagechange_decided_by_id_85c6b5d7; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_packagechange_decided_by_id_85c6b5d7 ON public.billing_packagechange USING btree (decided_by_id);


--
-- Name: billing_packagechange_from_package_id_df47c3c9; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_packagechange_from_package_id_df47c3c9 ON public.billing_packagechange USING btree (from_package_id);


--
-- Name: billing_packagechange_invoice_id_36ec43cf; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_packagechange_invoice_id_36ec43cf ON public.billing_packagechange USING btree (invoice_id);


--
-- Name: billing_packagechange_requested_by_id_9f697007; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_packagechange_requested_by_id_9f697007 ON public.billing_packagechange USING btree (requested_by_id);


--
-- Name: billing_packagechange_status_e82aa806; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_packagechange_status_e82aa806 ON public.billing_packagechange USING btree (status);


--
-- Name: billing_packagechange_status_e82aa806_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_packagechange_status_e82aa806_like ON public.billing_packagechange USING btree (status varchar_pattern_ops);


--
-- Name: billing_packagechange_subscription_id_c931a53f; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_packagechange_subscription_id_c931a53f ON public.billing_packagechange USING btree (subscription_id);


--
-- Name: billing_packagechange_to_package_id_4525a330; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_packagechange_to_package_id_4525a330 ON public.billing_packagechange USING btree (to_package_id);


--
-- Name: billing_walletentry_created_by_id_56bf098f; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_walletentry_created_by_id_56bf098f ON public.billing_walletentry USING btree (created_by_id);


--
-- Name: billing_walletentry_idempotency_key_0dc3ff8c_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_walletentry_idempotency_key_0dc3ff8c_like ON public.billing_walletentry USING btree (idempotency_key varchar_pattern_ops);


--
-- Name: billing_walletentry_subscription_id_a7f14f95; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_walletentry_subscription_id_a7f14f95 ON public.billing_walletentry USING btree (subscription_id);


--
-- Name: billing_walletentry_wallet_id_6301b669; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX billing_walletentry_wallet_id_6301b669 ON public.billing_walletentry USING btree (wallet_id);


--
-- Name: bkash_agreement_one_primary; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX bkash_agreement_one_primary ON public.payments_bkashagreement USING btree (customer_id) WHERE is_primary;


--
-- Name: books_bankaccount_name_62b2e07c_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX books_bankaccount_name_62b2e07c_like ON public.books_bankaccount USING btree (name varchar_pattern_ops);


--
-- Name: books_bankmovement_created_by_id_2cbda8d9; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX books_bankmovement_created_by_id_2cbda8d9 ON public.books_bankmovement USING btree (created_by_id);


--
-- Name: books_bankmovement_from_bank_id_db849c4e; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX books_bankmovement_from_bank_id_db849c4e ON public.books_bankmovement USING btree (from_bank_id);


--
-- Name: books_bankmovement_from_branch_id_379bc6e1; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX books_bankmovement_from_branch_id_379bc6e1 ON public.books_bankmovement USING btree (from_branch_id);


--
-- Name: books_bankmovement_to_bank_id_9e2e689e; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX books_bankmovement_to_bank_id_9e2e689e ON public.books_bankmovement USING btree (to_bank_id);


--
-- Name: books_bill_approved_by_id_a324c1d0; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX books_bill_approved_by_id_a324c1d0 ON public.books_bill USING btree (approved_by_id);


--
-- Name: books_bill_branch_id_813f31df; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX books_bill_branch_id_813f31df ON public.books_bill USING btree (branch_id);


--
-- Name: books_bill_created_by_id_774c7004; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX books_bill_created_by_id_774c7004 ON public.books_bill USING btree (created_by_id);


--
-- Name: books_bill_number_50073b74_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX books_bill_number_50073b74_like ON public.books_bill USING btree (number varchar_pattern_ops);


--
-- Name: books_bill_paid_bank_id_3f54bfac; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX books_bill_paid_bank_id_3f54bfac ON public.books_bill USING btree (paid_bank_id);


--
-- Name: books_bill_paid_by_id_6ac351f2; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX books_bill_paid_by_id_6ac351f2 ON public.books_bill USING btree (paid_by_id);


--
-- Name: books_bill_supplier_id_2a8d4823; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX books_bill_supplier_id_2a8d4823 ON public.books_bill USING btree (supplier_id);


--
-- Name: books_billpayment_bank_id_8d8f032d; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX books_billpayment_bank_id_8d8f032d ON public.books_billpayment USING btree (bank_id);


--
-- Name: books_billpayment_bill_id_99b7edad; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX books_billpayment_bill_id_99b7edad ON public.books_billpayment USING btree (bill_id);


--
-- Name: books_billpayment_paid_by_id_84b7292a; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX books_billpayment_paid_by_id_84b7292a ON public.books_billpayment USING btree (paid_by_id);


--
-- Name: books_journalline_entry_id_d924403c; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX books_journalline_entry_id_d924403c ON public.books_journalline USING btree (entry_id);


--
-- Name: books_ledgeraccount_code_639b85d7_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX books_ledgeraccount_code_639b85d7_like ON public.books_ledgeraccount USING btree (code varchar_pattern_ops);


--
-- Name: books_supplier_name_35ee7684_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX books_supplier_name_35ee7684_like ON public.books_supplier USING btree (name varchar_pattern_ops);


--
-- Name: calllog_customer_latest_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX calllog_customer_latest_idx ON public.customers_calllog USING btree (customer_id, called_at DESC);


--
-- Name: cardsale_received_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX cardsale_received_idx ON public.billing_cardsale USING btree (received_at);


--
-- Name: cardsalerefund_refunded_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX cardsalerefund_refunded_idx ON public.billing_cardsalerefund USING btree (refunded_at);


--
-- Name: cardsession_card_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX cardsession_card_idx ON public.vouchers_cardsession USING btree (card_id, started_at);


--
-- Name: cash_handover_collector_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX cash_handover_collector_idx ON public.payments_cashhandover USING btree (collector_id, handed_over_at);


--
-- Name: churn_churnrisk_model_id_3b8d194d; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX churn_churnrisk_model_id_3b8d194d ON public.churn_churnrisk USING btree (model_id);


--
-- Name: churn_retentioncalltask_assignee_id_767517d2; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX churn_retentioncalltask_assignee_id_767517d2 ON public.churn_retentioncalltask USING btree (assignee_id);


--
-- Name: churn_retentioncalltask_created_by_id_e1a72c81; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX churn_retentioncalltask_created_by_id_e1a72c81 ON public.churn_retentioncalltask USING btree (created_by_id);


--
-- Name: churn_retentioncalltask_customer_id_9424abb3; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX churn_retentioncalltask_customer_id_9424abb3 ON public.churn_retentioncalltask USING btree (customer_id);


--
-- Name: churn_retentioncalltask_status_c6363328; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX churn_retentioncalltask_status_c6363328 ON public.churn_retentioncalltask USING btree (status);


--
-- Name: churn_retentioncalltask_status_c6363328_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX churn_retentioncalltask_status_c6363328_like ON public.churn_retentioncalltask USING btree (status varchar_pattern_ops);


--
-- Name: churn_retentionfieldcheck_created_by_id_424b7b13; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX churn_retentionfieldcheck_created_by_id_424b7b13 ON public.churn_retentionfieldcheck USING btree (created_by_id);


--
-- Name: churn_retentionfieldcheck_customer_id_a45f6d3d; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX churn_retentionfieldcheck_customer_id_a45f6d3d ON public.churn_retentionfieldcheck USING btree (customer_id);


--
-- Name: churn_retentionoffer_created_by_id_dc5e30bb; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX churn_retentionoffer_created_by_id_dc5e30bb ON public.churn_retentionoffer USING btree (created_by_id);


--
-- Name: churn_retentionoffer_customer_id_a123f02a; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX churn_retentionoffer_customer_id_a123f02a ON public.churn_retentionoffer USING btree (customer_id);


--
-- Name: churn_retentionoffer_original_package_id_8e008117; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX churn_retentionoffer_original_package_id_8e008117 ON public.churn_retentionoffer USING btree (original_package_id);


--
-- Name: churn_retentionoffer_status_66c38fd5; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX churn_retentionoffer_status_66c38fd5 ON public.churn_retentionoffer USING btree (status);


--
-- Name: churn_retentionoffer_status_66c38fd5_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX churn_retentionoffer_status_66c38fd5_like ON public.churn_retentionoffer USING btree (status varchar_pattern_ops);


--
-- Name: churn_retentionoffer_subscription_id_22d1343b; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX churn_retentionoffer_subscription_id_22d1343b ON public.churn_retentionoffer USING btree (subscription_id);


--
-- Name: churn_retentionoffer_switch_back_change_id_9c55eb20; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX churn_retentionoffer_switch_back_change_id_9c55eb20 ON public.churn_retentionoffer USING btree (switch_back_change_id);


--
-- Name: churn_retentionoffer_upgrade_change_id_82c356e7; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX churn_retentionoffer_upgrade_change_id_82c356e7 ON public.churn_retentionoffer USING btree (upgrade_change_id);


--
-- Name: churn_retentionoffer_upgrade_package_id_b6fc2c38; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX churn_retentionoffer_upgrade_package_id_b6fc2c38 ON public.churn_retentionoffer USING btree (upgrade_package_id);


--
-- Name: churn_retentionoffercredit_account_entry_id_ee5bd7cb; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX churn_retentionoffercredit_account_entry_id_ee5bd7cb ON public.churn_retentionoffercredit USING btree (account_entry_id);


--
-- Name: churn_retentionoffercredit_credit_note_id_8e7ae6fc; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX churn_retentionoffercredit_credit_note_id_8e7ae6fc ON public.churn_retentionoffercredit USING btree (credit_note_id);


--
-- Name: churn_retentionoffercredit_invoice_id_e75a9044; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX churn_retentionoffercredit_invoice_id_e75a9044 ON public.churn_retentionoffercredit USING btree (invoice_id);


--
-- Name: churn_retentionoffercredit_offer_id_f180a52f; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX churn_retentionoffercredit_offer_id_f180a52f ON public.churn_retentionoffercredit USING btree (offer_id);


--
-- Name: churn_risk_band_prob; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX churn_risk_band_prob ON public.churn_churnrisk USING btree (band, probability DESC);


--
-- Name: commission_wallet_period_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX commission_wallet_period_idx ON public.billing_commissionentry USING btree (wallet_id, period);


--
-- Name: contracts_contract_created_by_id_1552fda4; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX contracts_contract_created_by_id_1552fda4 ON public.contracts_contract USING btree (created_by_id);


--
-- Name: contracts_contract_customer_id_b91a6462; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX contracts_contract_customer_id_b91a6462 ON public.contracts_contract USING btree (customer_id);


--
-- Name: contracts_contract_fee_charge_id_774cba9f; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX contracts_contract_fee_charge_id_774cba9f ON public.contracts_contract USING btree (fee_charge_id);


--
-- Name: contracts_contract_number_c16b99fb_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX contracts_contract_number_c16b99fb_like ON public.contracts_contract USING btree (number varchar_pattern_ops);


--
-- Name: contracts_contract_replaces_id_1b201615; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX contracts_contract_replaces_id_1b201615 ON public.contracts_contract USING btree (replaces_id);


--
-- Name: contracts_contract_status_2b9a4ef7; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX contracts_contract_status_2b9a4ef7 ON public.contracts_contract USING btree (status);


--
-- Name: contracts_contract_status_2b9a4ef7_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX contracts_contract_status_2b9a4ef7_like ON public.contracts_contract USING btree (status varchar_pattern_ops);


--
-- Name: contracts_contract_subscription_id_5bf566d1; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX contracts_contract_subscription_id_5bf566d1 ON public.contracts_contract USING btree (subscription_id);


--
-- Name: contracts_contract_template_id_51d2e329; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX contracts_contract_template_id_51d2e329 ON public.contracts_contract USING btree (template_id);


--
-- Name: contracts_contract_verify_code_26c24ab7_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX contracts_contract_verify_code_26c24ab7_like ON public.contracts_contract USING btree (verify_code varchar_pattern_ops);


--
-- Name: contracts_contractevent_actor_id_c679fd3e; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX contracts_contractevent_actor_id_c679fd3e ON public.contracts_contractevent USING btree (actor_id);


--
-- Name: contracts_contractevent_contract_id_f1004c25; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX contracts_contractevent_contract_id_f1004c25 ON public.contracts_contractevent USING btree (contract_id);


--
-- Name: contracts_contractrule_created_by_id_3e5cbeaa; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX contracts_contractrule_created_by_id_3e5cbeaa ON public.contracts_contractrule USING btree (created_by_id);


--
-- Name: contracts_contractrule_package_id_6a39aa82; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX contracts_contractrule_package_id_6a39aa82 ON public.contracts_contractrule USING btree (package_id);


--
-- Name: contracts_contractrule_template_key_cb8ec7ae; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX contracts_contractrule_template_key_cb8ec7ae ON public.contracts_contractrule USING btree (template_key);


--
-- Name: contracts_contractrule_template_key_cb8ec7ae_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX contracts_contractrule_template_key_cb8ec7ae_like ON public.contracts_contractrule USING btree (template_key varchar_pattern_ops);


--
-- Name: contracts_contracttemplate_created_by_id_18e7bb94; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX contracts_contracttemplate_created_by_id_18e7bb94 ON public.contracts_contracttemplate USING btree (created_by_id);


--
-- Name: contracts_contracttemplate_key_08c341f8; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX contracts_contracttemplate_key_08c341f8 ON public.contracts_contracttemplate USING btree (key);


--
-- Name: contracts_contracttemplate_key_08c341f8_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX contracts_contracttemplate_key_08c341f8_like ON public.contracts_contracttemplate USING btree (key varchar_pattern_ops);


--
-- Name: contracts_signature_signed_pdf_sha256_83b2d9cb; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX contracts_signature_signed_pdf_sha256_83b2d9cb ON public.contracts_signature USING btree (signed_pdf_sha256);


--
-- Name: contracts_signature_signed_pdf_sha256_83b2d9cb_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX contracts_signature_signed_pdf_sha256_83b2d9cb_like ON public.contracts_signature USING btree (signed_pdf_sha256 varchar_pattern_ops);


--
-- Name: contracts_signature_witness_id_b82f53fb; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX contracts_signature_witness_id_b82f53fb ON public.contracts_signature USING btree (witness_id);


--
-- Name: contracts_signingsession_contract_id_c913f353; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX contracts_signingsession_contract_id_c913f353 ON public.contracts_signingsession USING btree (contract_id);


--
-- Name: contracts_signingsession_key_0ddd3d74_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX contracts_signingsession_key_0ddd3d74_like ON public.contracts_signingsession USING btree (key varchar_pattern_ops);


--
-- Name: contracts_signingsession_witness_id_47dd2e50; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX contracts_signingsession_witness_id_47dd2e50 ON public.contracts_signingsession USING btree (witness_id);


--
-- Name: core_auditlog_action_978477aa; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX core_auditlog_action_978477aa ON public.core_auditlog USING btree (action);


--
-- Name: core_auditlog_action_978477aa_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX core_auditlog_action_978477aa_like ON public.core_auditlog USING btree (action varchar_pattern_ops);


--
-- Name: core_auditlog_actor_id_ab091f3c; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX core_auditlog_actor_id_ab091f3c ON public.core_auditlog USING btree (actor_id);


--
-- Name: core_auditlog_at_c648d349; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX core_auditlog_at_c648d349 ON public.core_auditlog USING btree (at);


--
-- Name: core_auditlog_content_type_id_0a26d6b4; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX core_auditlog_content_type_id_0a26d6b4 ON public.core_auditlog USING btree (content_type_id);


--
-- Name: core_jobrun_job_9a5370c5; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX core_jobrun_job_9a5370c5 ON public.core_jobrun USING btree (job);


--
-- Name: core_jobrun_job_9a5370c5_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX core_jobrun_job_9a5370c5_like ON public.core_jobrun USING btree (job varchar_pattern_ops);


--
-- Name: core_jobrun_requested_by_id_6a0a417f; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX core_jobrun_requested_by_id_6a0a417f ON public.core_jobrun USING btree (requested_by_id);


--
-- Name: core_jobrun_started_at_a14f6d01; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX core_jobrun_started_at_a14f6d01 ON public.core_jobrun USING btree (started_at);


--
-- Name: core_jobrun_task_id_1d74d02e; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX core_jobrun_task_id_1d74d02e ON public.core_jobrun USING btree (task_id);


--
-- Name: core_jobrun_task_id_1d74d02e_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX core_jobrun_task_id_1d74d02e_like ON public.core_jobrun USING btree (task_id varchar_pattern_ops);


--
-- Name: core_jobwatch_job_753c7de6_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX core_jobwatch_job_753c7de6_like ON public.core_jobwatch USING btree (job varchar_pattern_ops);


--
-- Name: core_numbersequence_key_60a419b3_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX core_numbersequence_key_60a419b3_like ON public.core_numbersequence USING btree (key varchar_pattern_ops);


--
-- Name: core_ratelimitcounter_expires_at_01b020bb; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX core_ratelimitcounter_expires_at_01b020bb ON public.core_ratelimitcounter USING btree (expires_at);


--
-- Name: core_ratelimitcounter_key_23c295fd_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX core_ratelimitcounter_key_23c295fd_like ON public.core_ratelimitcounter USING btree (key varchar_pattern_ops);


--
-- Name: core_webhookattempt_delivery_id_669fc61b; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX core_webhookattempt_delivery_id_669fc61b ON public.core_webhookattempt USING btree (delivery_id);


--
-- Name: core_webhookdelivery_created_at_b005322c; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX core_webhookdelivery_created_at_b005322c ON public.core_webhookdelivery USING btree (created_at);


--
-- Name: core_webhookdelivery_endpoint_id_3020c03c; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX core_webhookdelivery_endpoint_id_3020c03c ON public.core_webhookdelivery USING btree (endpoint_id);


--
-- Name: core_webhookdelivery_replay_of_id_d3c988f1; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX core_webhookdelivery_replay_of_id_d3c988f1 ON public.core_webhookdelivery USING btree (replay_of_id);


--
-- Name: core_webhookendpoint_created_by_id_821654c8; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX core_webhookendpoint_created_by_id_821654c8 ON public.core_webhookendpoint USING btree (created_by_id);


--
-- Name: credit_note_challan_unique; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX credit_note_challan_unique ON public.billing_creditnote USING btree (challan_number) WHERE (NOT ((challan_number)::text = ''::text));


--
-- Name: customer_account_prefix_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX customer_account_prefix_idx ON public.customers_customer USING btree (upper((account_number)::text) text_pattern_ops);


--
-- Name: customer_account_trgm_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX customer_account_trgm_idx ON public.customers_customer USING gin (upper((account_number)::text) public.gin_trgm_ops);


--
-- Name: customer_area_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX customer_area_id_idx ON public.customers_customer USING btree (area_id, id);


--
-- Name: customer_area_status_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX customer_area_status_idx ON public.customers_customer USING btree (area_id, status, id);


--
-- Name: customer_branch_status_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX customer_branch_status_idx ON public.customers_customer USING btree (branch_id, status, id);


--
-- Name: customer_name_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX customer_name_id_idx ON public.customers_customer USING btree (name, id);


--
-- Name: customer_name_trgm_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX customer_name_trgm_idx ON public.customers_customer USING gin (upper((name)::text) public.gin_trgm_ops);


--
-- Name: customer_phone_trgm_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX customer_phone_trgm_idx ON public.customers_customer USING gin (phone public.gin_trgm_ops);


--
-- Name: customer_reseller_name_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX customer_reseller_name_idx ON public.customers_customer USING btree (reseller_id, name, id);


--
-- Name: customer_session_user_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX customer_session_user_idx ON public.accounts_customersession USING btree (user_id, last_seen DESC);


--
-- Name: customer_since_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX customer_since_id_idx ON public.customers_customer USING btree (customer_since, id);


--
-- Name: customers_area_branch_id_86f954e6; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX customers_area_branch_id_86f954e6 ON public.customers_area USING btree (branch_id);


--
-- Name: customers_area_collector_id_e3abbe07; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX customers_area_collector_id_e3abbe07 ON public.customers_area USING btree (collector_id);


--
-- Name: customers_branch_code_a8096a65_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX customers_branch_code_a8096a65_like ON public.customers_branch USING btree (code varchar_pattern_ops);


--
-- Name: customers_branch_name_d82c43b7_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX customers_branch_name_d82c43b7_like ON public.customers_branch USING btree (name varchar_pattern_ops);


--
-- Name: customers_calllog_called_by_id_30351964; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX customers_calllog_called_by_id_30351964 ON public.customers_calllog USING btree (called_by_id);


--
-- Name: customers_calllog_customer_id_3b483fae; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX customers_calllog_customer_id_3b483fae ON public.customers_calllog USING btree (customer_id);


--
-- Name: customers_customer_account_number_a88a3778_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX customers_customer_account_number_a88a3778_like ON public.customers_customer USING btree (account_number varchar_pattern_ops);


--
-- Name: customers_customer_area_id_565553f5; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX customers_customer_area_id_565553f5 ON public.customers_customer USING btree (area_id);


--
-- Name: customers_customer_branch_id_6f75e537; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX customers_customer_branch_id_6f75e537 ON public.customers_customer USING btree (branch_id);


--
-- Name: customers_customer_collector_id_8970afe4; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX customers_customer_collector_id_8970afe4 ON public.customers_customer USING btree (collector_id);


--
-- Name: customers_customer_external_ref_884ccda1; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX customers_customer_external_ref_884ccda1 ON public.customers_customer USING btree (external_ref);


--
-- Name: customers_customer_external_ref_884ccda1_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX customers_customer_external_ref_884ccda1_like ON public.customers_customer USING btree (external_ref varchar_pattern_ops);


--
-- Name: customers_customer_phone_01182399; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX customers_customer_phone_01182399 ON public.customers_customer USING btree (phone);


--
-- Name: customers_customer_phone_01182399_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX customers_customer_phone_01182399_like ON public.customers_customer USING btree (phone varchar_pattern_ops);


--
-- Name: customers_customer_referral_code_dab27737_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX customers_customer_referral_code_dab27737_like ON public.customers_customer USING btree (referral_code varchar_pattern_ops);


--
-- Name: customers_customer_reseller_id_eb0ab540; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX customers_customer_reseller_id_eb0ab540 ON public.customers_customer USING btree (reseller_id);


--
-- Name: customers_customer_status_743673e0; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX customers_customer_status_743673e0 ON public.customers_customer USING btree (status);


--
-- Name: customers_customer_status_743673e0_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX customers_customer_status_743673e0_like ON public.customers_customer USING btree (status varchar_pattern_ops);


--
-- Name: customers_customertally_branch_id_d729dc60; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX customers_customertally_branch_id_d729dc60 ON public.customers_customertally USING btree (branch_id);


--
-- Name: customers_lead_area_id_68d35884; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX customers_lead_area_id_68d35884 ON public.customers_lead USING btree (area_id);


--
-- Name: customers_lead_assigned_to_id_de31f837; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX customers_lead_assigned_to_id_de31f837 ON public.customers_lead USING btree (assigned_to_id);


--
-- Name: customers_lead_branch_id_31318f0b; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX customers_lead_branch_id_31318f0b ON public.customers_lead USING btree (branch_id);


--
-- Name: customers_lead_interested_package_id_90aeaf9a; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX customers_lead_interested_package_id_90aeaf9a ON public.customers_lead USING btree (interested_package_id);


--
-- Name: customers_lead_phone_5fdb305c; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX customers_lead_phone_5fdb305c ON public.customers_lead USING btree (phone);


--
-- Name: customers_lead_phone_5fdb305c_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX customers_lead_phone_5fdb305c_like ON public.customers_lead USING btree (phone varchar_pattern_ops);


--
-- Name: customers_lead_status_d5b81656; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX customers_lead_status_d5b81656 ON public.customers_lead USING btree (status);


--
-- Name: customers_lead_status_d5b81656_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX customers_lead_status_d5b81656_like ON public.customers_lead USING btree (status varchar_pattern_ops);


--
-- Name: customers_package_name_e7b12a83_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX customers_package_name_e7b12a83_like ON public.customers_package USING btree (name varchar_pattern_ops);


--
-- Name: customers_packagespeedwindow_package_id_c57a67dc; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX customers_packagespeedwindow_package_id_c57a67dc ON public.customers_packagespeedwindow USING btree (package_id);


--
-- Name: customers_referral_referrer_id_21ecbc2d; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX customers_referral_referrer_id_21ecbc2d ON public.customers_referral USING btree (referrer_id);


--
-- Name: customers_referral_status_d1c49ac7; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX customers_referral_status_d1c49ac7 ON public.customers_referral USING btree (status);


--
-- Name: customers_referral_status_d1c49ac7_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX customers_referral_status_d1c49ac7_like ON public.customers_referral USING btree (status varchar_pattern_ops);


--
-- Name: customers_referralcredit_reversed_by_id_0df2f5f2; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX customers_referralcredit_reversed_by_id_0df2f5f2 ON public.customers_referralcredit USING btree (reversed_by_id);


--
-- Name: customers_speedtestresult_customer_id_fa21958a; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX customers_speedtestresult_customer_id_fa21958a ON public.customers_speedtestresult USING btree (customer_id);


--
-- Name: customers_subscription_customer_id_f27cd752; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX customers_subscription_customer_id_f27cd752 ON public.customers_subscription USING btree (customer_id);


--
-- Name: customers_subscription_package_id_789aef63; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX customers_subscription_package_id_789aef63 ON public.customers_subscription USING btree (package_id);


--
-- Name: customers_subscription_router_id_a9b48bf3; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX customers_subscription_router_id_a9b48bf3 ON public.customers_subscription USING btree (router_id);


--
-- Name: customers_subscription_status_7002155c; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX customers_subscription_status_7002155c ON public.customers_subscription USING btree (status);


--
-- Name: customers_subscription_status_7002155c_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX customers_subscription_status_7002155c_like ON public.customers_subscription USING btree (status varchar_pattern_ops);


--
-- Name: daily_metric_dim_day_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX daily_metric_dim_day_idx ON public.dashboard_dailymetric USING btree (dimension, day);


--
-- Name: dashboard_dailymetric_branch_id_833b7ab9; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX dashboard_dailymetric_branch_id_833b7ab9 ON public.dashboard_dailymetric USING btree (branch_id);


--
-- Name: django_admin_log_content_type_id_c4bce8eb; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX django_admin_log_content_type_id_c4bce8eb ON public.django_admin_log USING btree (content_type_id);


--
-- Name: django_admin_log_user_id_c564eba6; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX django_admin_log_user_id_c564eba6 ON public.django_admin_log USING btree (user_id);


--
-- Name: django_session_expire_date_a5c62663; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX django_session_expire_date_a5c62663 ON public.django_session USING btree (expire_date);


--
-- Name: django_session_session_key_c0390e0f_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX django_session_session_key_c0390e0f_like ON public.django_session USING btree (session_key varchar_pattern_ops);


--
-- Name: equipment_rental_charge_once_per_day; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX equipment_rental_charge_once_per_day ON public.fieldservice_equipmentrentalcharge USING btree (rental_id, first_day) WHERE (NOT withdrawn);


--
-- Name: equipment_rental_one_open_per_item; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX equipment_rental_one_open_per_item ON public.fieldservice_equipmentrental USING btree (item_id) WHERE (ended_on IS NULL);


--
-- Name: fibre_fibreincident_olt_id_3fdb9815; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX fibre_fibreincident_olt_id_3fdb9815 ON public.fibre_fibreincident USING btree (olt_id);


--
-- Name: fibre_fibreincident_onu_id_ff7ed3b9; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX fibre_fibreincident_onu_id_ff7ed3b9 ON public.fibre_fibreincident USING btree (onu_id);


--
-- Name: fibre_fibreincident_outage_id_40e1d886; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX fibre_fibreincident_outage_id_40e1d886 ON public.fibre_fibreincident USING btree (outage_id);


--
-- Name: fibre_fibreincident_pon_port_id_f1a624be; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX fibre_fibreincident_pon_port_id_f1a624be ON public.fibre_fibreincident USING btree (pon_port_id);


--
-- Name: fibre_fibreincidentticket_incident_id_0930bb9a; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX fibre_fibreincidentticket_incident_id_0930bb9a ON public.fibre_fibreincidentticket USING btree (incident_id);


--
-- Name: fibre_olt_branch_id_013124d7; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX fibre_olt_branch_id_013124d7 ON public.fibre_olt USING btree (branch_id);


--
-- Name: fibre_olt_name_21893aa6_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX fibre_olt_name_21893aa6_like ON public.fibre_olt USING btree (name varchar_pattern_ops);


--
-- Name: fibre_onu_mac_ab6a23c8; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX fibre_onu_mac_ab6a23c8 ON public.fibre_onu USING btree (mac);


--
-- Name: fibre_onu_mac_ab6a23c8_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX fibre_onu_mac_ab6a23c8_like ON public.fibre_onu USING btree (mac varchar_pattern_ops);


--
-- Name: fibre_onu_moved_from_id_1e1ceef3; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX fibre_onu_moved_from_id_1e1ceef3 ON public.fibre_onu USING btree (moved_from_id);


--
-- Name: fibre_onu_olt_id_adc9fabe; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX fibre_onu_olt_id_adc9fabe ON public.fibre_onu USING btree (olt_id);


--
-- Name: fibre_onu_pon_port_id_1c486406; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX fibre_onu_pon_port_id_1c486406 ON public.fibre_onu USING btree (pon_port_id);


--
-- Name: fibre_onu_serial_38555891; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX fibre_onu_serial_38555891 ON public.fibre_onu USING btree (serial);


--
-- Name: fibre_onu_serial_38555891_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX fibre_onu_serial_38555891_like ON public.fibre_onu USING btree (serial varchar_pattern_ops);


--
-- Name: fibre_onu_subscription_id_67ed8039; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX fibre_onu_subscription_id_67ed8039 ON public.fibre_onu USING btree (subscription_id);


--
-- Name: fibre_onustatusevent_onu_id_9336bad4; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX fibre_onustatusevent_onu_id_9336bad4 ON public.fibre_onustatusevent USING btree (onu_id);


--
-- Name: fibre_ponport_area_id_1177d86d; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX fibre_ponport_area_id_1177d86d ON public.fibre_ponport USING btree (area_id);


--
-- Name: fibre_ponport_olt_id_3ad3886e; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX fibre_ponport_olt_id_3ad3886e ON public.fibre_ponport USING btree (olt_id);


--
-- Name: fibre_signalthreshold_profile_6fa1da00_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX fibre_signalthreshold_profile_6fa1da00_like ON public.fibre_signalthreshold USING btree (profile varchar_pattern_ops);


--
-- Name: fieldservice_checklistitem_done_by_id_d558e366; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX fieldservice_checklistitem_done_by_id_d558e366 ON public.fieldservice_checklistitem USING btree (done_by_id);


--
-- Name: fieldservice_checklistitem_order_id_873998fa; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX fieldservice_checklistitem_order_id_873998fa ON public.fieldservice_checklistitem USING btree (order_id);


--
-- Name: fieldservice_checklisttemplate_kind_80fc3703_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX fieldservice_checklisttemplate_kind_80fc3703_like ON public.fieldservice_checklisttemplate USING btree (kind varchar_pattern_ops);


--
-- Name: fieldservice_checklisttemplateitem_template_id_d8da416a; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX fieldservice_checklisttemplateitem_template_id_d8da416a ON public.fieldservice_checklisttemplateitem USING btree (template_id);


--
-- Name: fieldservice_equipmentitem_branch_id_203edc3d; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX fieldservice_equipmentitem_branch_id_203edc3d ON public.fieldservice_equipmentitem USING btree (branch_id);


--
-- Name: fieldservice_equipmentitem_customer_id_5043b260; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX fieldservice_equipmentitem_customer_id_5043b260 ON public.fieldservice_equipmentitem USING btree (customer_id);


--
-- Name: fieldservice_equipmentitem_model_id_4379e974; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX fieldservice_equipmentitem_model_id_4379e974 ON public.fieldservice_equipmentitem USING btree (model_id);


--
-- Name: fieldservice_equipmentitem_serial_76286a2e_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX fieldservice_equipmentitem_serial_76286a2e_like ON public.fieldservice_equipmentitem USING btree (serial varchar_pattern_ops);


--
-- Name: fieldservice_equipmentitem_status_60eed084; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX fieldservice_equipmentitem_status_60eed084 ON public.fieldservice_equipmentitem USING btree (status);


--
-- Name: fieldservice_equipmentitem_status_60eed084_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX fieldservice_equipmentitem_status_60eed084_like ON public.fieldservice_equipmentitem USING btree (status varchar_pattern_ops);


--
-- Name: fieldservice_equipmentitem_technician_id_91302752; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX fieldservice_equipmentitem_technician_id_91302752 ON public.fieldservice_equipmentitem USING btree (technician_id);


--
-- Name: fieldservice_equipmentmodel_name_7646c5ab_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX fieldservice_equipmentmodel_name_7646c5ab_like ON public.fieldservice_equipmentmodel USING btree (name varchar_pattern_ops);


--
-- Name: fieldservice_equipmentmovement_actor_id_5149d5b9; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX fieldservice_equipmentmovement_actor_id_5149d5b9 ON public.fieldservice_equipmentmovement USING btree (actor_id);


--
-- Name: fieldservice_equipmentmovement_customer_id_32d6b2ae; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX fieldservice_equipmentmovement_customer_id_32d6b2ae ON public.fieldservice_equipmentmovement USING btree (customer_id);


--
-- Name: fieldservice_equipmentmovement_invoice_id_360a7c08; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX fieldservice_equipmentmovement_invoice_id_360a7c08 ON public.fieldservice_equipmentmovement USING btree (invoice_id);


--
-- Name: fieldservice_equipmentmovement_item_id_f7ff9445; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX fieldservice_equipmentmovement_item_id_f7ff9445 ON public.fieldservice_equipmentmovement USING btree (item_id);


--
-- Name: fieldservice_equipmentmovement_order_id_bbfed313; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX fieldservice_equipmentmovement_order_id_bbfed313 ON public.fieldservice_equipmentmovement USING btree (order_id);


--
-- Name: fieldservice_equipmentmovement_technician_id_57976bb7; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX fieldservice_equipmentmovement_technician_id_57976bb7 ON public.fieldservice_equipmentmovement USING btree (technician_id);


--
-- Name: fieldservice_equipmentrental_customer_id_5b7dddd8; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX fieldservice_equipmentrental_customer_id_5b7dddd8 ON public.fieldservice_equipmentrental USING btree (customer_id);


--
-- Name: fieldservice_equipmentrental_item_id_2defdc4d; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX fieldservice_equipmentrental_item_id_2defdc4d ON public.fieldservice_equipmentrental USING btree (item_id);


--
-- Name: fieldservice_equipmentrental_order_id_d73e12f5; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX fieldservice_equipmentrental_order_id_d73e12f5 ON public.fieldservice_equipmentrental USING btree (order_id);


--
-- Name: fieldservice_equipmentrental_subscription_id_6c69ac82; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX fieldservice_equipmentrental_subscription_id_6c69ac82 ON public.fieldservice_equipmentrental USING btree (subscription_id);


--
-- Name: fieldservice_equipmentrentalcharge_credit_note_id_f18a72bc; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX fieldservice_equipmentrentalcharge_credit_note_id_f18a72bc ON public.fieldservice_equipmentrentalcharge USING btree (credit_note_id);


--
-- Name: fieldservice_equipmentrentalcharge_rental_id_a8ddc16f; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX fieldservice_equipmentrentalcharge_rental_id_a8ddc16f ON public.fieldservice_equipmentrentalcharge USING btree (rental_id);


--
-- Name: fieldservice_syncoperation_order_id_0c5ba4a1; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX fieldservice_syncoperation_order_id_0c5ba4a1 ON public.fieldservice_syncoperation USING btree (order_id);


--
-- Name: fieldservice_syncoperation_technician_id_d2847967; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX fieldservice_syncoperation_technician_id_d2847967 ON public.fieldservice_syncoperation USING btree (technician_id);


--
-- Name: fieldservice_workorder_area_id_9ec78eba; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX fieldservice_workorder_area_id_9ec78eba ON public.fieldservice_workorder USING btree (area_id);


--
-- Name: fieldservice_workorder_branch_id_160f1e2d; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX fieldservice_workorder_branch_id_160f1e2d ON public.fieldservice_workorder USING btree (branch_id);


--
-- Name: fieldservice_workorder_created_by_id_a656fe74; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX fieldservice_workorder_created_by_id_a656fe74 ON public.fieldservice_workorder USING btree (created_by_id);


--
-- Name: fieldservice_workorder_customer_id_e644e171; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX fieldservice_workorder_customer_id_e644e171 ON public.fieldservice_workorder USING btree (customer_id);


--
-- Name: fieldservice_workorder_lead_id_93940de5; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX fieldservice_workorder_lead_id_93940de5 ON public.fieldservice_workorder USING btree (lead_id);


--
-- Name: fieldservice_workorder_override_by_id_cf10f926; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX fieldservice_workorder_override_by_id_cf10f926 ON public.fieldservice_workorder USING btree (override_by_id);


--
-- Name: fieldservice_workorder_scheduled_start_7e15463b; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX fieldservice_workorder_scheduled_start_7e15463b ON public.fieldservice_workorder USING btree (scheduled_start);


--
-- Name: fieldservice_workorder_status_3c1e1d90; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX fieldservice_workorder_status_3c1e1d90 ON public.fieldservice_workorder USING btree (status);


--
-- Name: fieldservice_workorder_status_3c1e1d90_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX fieldservice_workorder_status_3c1e1d90_like ON public.fieldservice_workorder USING btree (status varchar_pattern_ops);


--
-- Name: fieldservice_workorder_subscription_id_b746e735; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX fieldservice_workorder_subscription_id_b746e735 ON public.fieldservice_workorder USING btree (subscription_id);


--
-- Name: fieldservice_workorder_technician_id_f0df6702; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX fieldservice_workorder_technician_id_f0df6702 ON public.fieldservice_workorder USING btree (technician_id);


--
-- Name: fieldservice_workorder_ticket_id_9bba2bc6; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX fieldservice_workorder_ticket_id_9bba2bc6 ON public.fieldservice_workorder USING btree (ticket_id);


--
-- Name: fieldservice_workorderevent_actor_id_056a61ea; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX fieldservice_workorderevent_actor_id_056a61ea ON public.fieldservice_workorderevent USING btree (actor_id);


--
-- Name: fieldservice_workorderevent_at_0abcf87b; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX fieldservice_workorderevent_at_0abcf87b ON public.fieldservice_workorderevent USING btree (at);


--
-- Name: fieldservice_workorderevent_order_id_c035fe39; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX fieldservice_workorderevent_order_id_c035fe39 ON public.fieldservice_workorderevent USING btree (order_id);


--
-- Name: fieldservice_workorderphoto_order_id_699c6e62; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX fieldservice_workorderphoto_order_id_699c6e62 ON public.fieldservice_workorderphoto USING btree (order_id);


--
-- Name: fieldservice_workorderphoto_uploaded_by_id_a3299acc; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX fieldservice_workorderphoto_uploaded_by_id_a3299acc ON public.fieldservice_workorderphoto USING btree (uploaded_by_id);


--
-- Name: importrow_batch_todo_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX importrow_batch_todo_idx ON public.imports_importrow USING btree (batch_id, done, line);


--
-- Name: imports_importbatch_created_by_id_8de9c79b; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX imports_importbatch_created_by_id_8de9c79b ON public.imports_importbatch USING btree (created_by_id);


--
-- Name: imports_importbatch_profile_id_96182a2f; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX imports_importbatch_profile_id_96182a2f ON public.imports_importbatch USING btree (profile_id);


--
-- Name: imports_importbatch_router_id_629c5a8c; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX imports_importbatch_router_id_629c5a8c ON public.imports_importbatch USING btree (router_id);


--
-- Name: imports_importbatch_status_4eb9c637; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX imports_importbatch_status_4eb9c637 ON public.imports_importbatch USING btree (status);


--
-- Name: imports_importbatch_status_4eb9c637_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX imports_importbatch_status_4eb9c637_like ON public.imports_importbatch USING btree (status varchar_pattern_ops);


--
-- Name: imports_importbatch_undone_by_id_3b69124e; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX imports_importbatch_undone_by_id_3b69124e ON public.imports_importbatch USING btree (undone_by_id);


--
-- Name: imports_importprofile_created_by_id_586b273e; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX imports_importprofile_created_by_id_586b273e ON public.imports_importprofile USING btree (created_by_id);


--
-- Name: imports_importprofile_name_f2b8764b_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX imports_importprofile_name_f2b8764b_like ON public.imports_importprofile USING btree (name varchar_pattern_ops);


--
-- Name: imports_importrow_batch_id_0b8d5349; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX imports_importrow_batch_id_0b8d5349 ON public.imports_importrow USING btree (batch_id);


--
-- Name: imports_importrow_customer_id_b86404c9; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX imports_importrow_customer_id_b86404c9 ON public.imports_importrow USING btree (customer_id);


--
-- Name: imports_importrow_opening_entry_id_42b8455c; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX imports_importrow_opening_entry_id_42b8455c ON public.imports_importrow USING btree (opening_entry_id);


--
-- Name: imports_importrow_past_payment_id_6ed40a42; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX imports_importrow_past_payment_id_6ed40a42 ON public.imports_importrow USING btree (past_payment_id);


--
-- Name: imports_importrow_subscription_id_02d1b00d; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX imports_importrow_subscription_id_02d1b00d ON public.imports_importrow USING btree (subscription_id);


--
-- Name: incident_one_open_per_onu; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX incident_one_open_per_onu ON public.fibre_fibreincident USING btree (kind, onu_id) WHERE (ended_at IS NULL);


--
-- Name: incident_one_open_per_port; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX incident_one_open_per_port ON public.fibre_fibreincident USING btree (kind, pon_port_id) WHERE ((ended_at IS NULL) AND (onu_id IS NULL));


--
-- Name: invoice_challan_unique; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX invoice_challan_unique ON public.billing_invoice USING btree (challan_number) WHERE (NOT ((challan_number)::text = ''::text));


--
-- Name: invoice_customer_open_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX invoice_customer_open_idx ON public.billing_invoice USING btree (customer_id, status, due_date);


--
-- Name: invoice_issue_date_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX invoice_issue_date_idx ON public.billing_invoice USING btree (issue_date);


--
-- Name: jobrun_status_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX jobrun_status_idx ON public.core_jobrun USING btree (status, started_at DESC);


--
-- Name: jobrun_task_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX jobrun_task_idx ON public.core_jobrun USING btree (task_name, started_at DESC);


--
-- Name: jobrun_task_status_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX jobrun_task_status_idx ON public.core_jobrun USING btree (task_name, status, started_at DESC);


--
-- Name: journal_date_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX journal_date_idx ON public.books_journalentry USING btree (date);


--
-- Name: journalline_account_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX journalline_account_idx ON public.books_journalline USING btree (account_id, entry_id);


--
-- Name: ledger_account_date_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ledger_account_date_idx ON public.billing_ledgerentry USING btree (account_id, effective_date, id);


--
-- Name: network_addressassignment_pool_id_849d5f4e; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX network_addressassignment_pool_id_849d5f4e ON public.network_addressassignment USING btree (pool_id);


--
-- Name: network_addressassignment_router_id_0b0019ae; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX network_addressassignment_router_id_0b0019ae ON public.network_addressassignment USING btree (router_id);


--
-- Name: network_addressassignment_subscription_id_348cf7ec; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX network_addressassignment_subscription_id_348cf7ec ON public.network_addressassignment USING btree (subscription_id);


--
-- Name: network_addresspool_branch_id_36f52828; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX network_addresspool_branch_id_36f52828 ON public.network_addresspool USING btree (branch_id);


--
-- Name: network_addresspool_name_84752dc1_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX network_addresspool_name_84752dc1_like ON public.network_addresspool USING btree (name varchar_pattern_ops);


--
-- Name: network_addresspool_router_id_50ca3f3a; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX network_addresspool_router_id_50ca3f3a ON public.network_addresspool USING btree (router_id);


--
-- Name: network_driftreport_requested_by_id_b5d8497d; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX network_driftreport_requested_by_id_b5d8497d ON public.network_driftreport USING btree (requested_by_id);


--
-- Name: network_driftreport_router_id_227ce40e; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX network_driftreport_router_id_227ce40e ON public.network_driftreport USING btree (router_id);


--
-- Name: network_fupstate_lifted_by_id_6df4c2d5; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX network_fupstate_lifted_by_id_6df4c2d5 ON public.network_fupstate USING btree (lifted_by_id);


--
-- Name: network_outage_areas_area_id_cc706b54; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX network_outage_areas_area_id_cc706b54 ON public.network_outage_areas USING btree (area_id);


--
-- Name: network_outage_areas_outage_id_5d4e1445; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX network_outage_areas_outage_id_5d4e1445 ON public.network_outage_areas USING btree (outage_id);


--
-- Name: network_outage_declared_by_id_6ea39fef; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX network_outage_declared_by_id_6ea39fef ON public.network_outage USING btree (declared_by_id);


--
-- Name: network_outage_routers_outage_id_23cb069a; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX network_outage_routers_outage_id_23cb069a ON public.network_outage_routers USING btree (outage_id);


--
-- Name: network_outage_routers_router_id_78951916; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX network_outage_routers_router_id_78951916 ON public.network_outage_routers USING btree (router_id);


--
-- Name: network_outage_status_d28fbb54; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX network_outage_status_d28fbb54 ON public.network_outage USING btree (status);


--
-- Name: network_outage_status_d28fbb54_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX network_outage_status_d28fbb54_like ON public.network_outage USING btree (status varchar_pattern_ops);


--
-- Name: network_outagebroadcast_outage_id_ad4ea1df; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX network_outagebroadcast_outage_id_ad4ea1df ON public.network_outagebroadcast USING btree (outage_id);


--
-- Name: network_outagebroadcast_update_id_15e52132; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX network_outagebroadcast_update_id_15e52132 ON public.network_outagebroadcast USING btree (update_id);


--
-- Name: network_outageupdate_created_by_id_7988132f; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX network_outageupdate_created_by_id_7988132f ON public.network_outageupdate USING btree (created_by_id);


--
-- Name: network_outageupdate_outage_id_619081ca; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX network_outageupdate_outage_id_619081ca ON public.network_outageupdate USING btree (outage_id);


--
-- Name: network_provisioningtask_created_by_id_b81cd56d; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX network_provisioningtask_created_by_id_b81cd56d ON public.network_provisioningtask USING btree (created_by_id);


--
-- Name: network_provisioningtask_router_id_1871ab1a; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX network_provisioningtask_router_id_1871ab1a ON public.network_provisioningtask USING btree (router_id);


--
-- Name: network_provisioningtask_subscription_id_c26cf125; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX network_provisioningtask_subscription_id_c26cf125 ON public.network_provisioningtask USING btree (subscription_id);


--
-- Name: network_router_areas_area_id_d7072d42; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX network_router_areas_area_id_d7072d42 ON public.network_router_areas USING btree (area_id);


--
-- Name: network_router_areas_router_id_474c19fd; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX network_router_areas_router_id_474c19fd ON public.network_router_areas USING btree (router_id);


--
-- Name: network_router_branch_id_496cc6af; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX network_router_branch_id_496cc6af ON public.network_router USING btree (branch_id);


--
-- Name: network_router_name_91d43344_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX network_router_name_91d43344_like ON public.network_router USING btree (name varchar_pattern_ops);


--
-- Name: network_routerdownperiod_router_id_e6ee707b; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX network_routerdownperiod_router_id_e6ee707b ON public.network_routerdownperiod USING btree (router_id);


--
-- Name: network_speedboundaryrun_router_id_09f84ba3; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX network_speedboundaryrun_router_id_09f84ba3 ON public.network_speedboundaryrun USING btree (router_id);


--
-- Name: network_usagedaily_subscription_id_9c9c0dc3; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX network_usagedaily_subscription_id_9c9c0dc3 ON public.network_usagedaily USING btree (subscription_id);


--
-- Name: network_usagehourly_subscription_id_95c8376c; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX network_usagehourly_subscription_id_95c8376c ON public.network_usagehourly USING btree (subscription_id);


--
-- Name: network_usagesample_router_id_ade98b68; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX network_usagesample_router_id_ade98b68 ON public.network_usagesample USING btree (router_id);


--
-- Name: network_usagesample_subscription_id_d424131b; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX network_usagesample_subscription_id_d424131b ON public.network_usagesample USING btree (subscription_id);


--
-- Name: notify_message_content_type_id_a0e0b721; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX notify_message_content_type_id_a0e0b721 ON public.notify_message USING btree (content_type_id);


--
-- Name: notify_message_customer_id_0496a687; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX notify_message_customer_id_0496a687 ON public.notify_message USING btree (customer_id);


--
-- Name: notify_message_customer_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX notify_message_customer_idx ON public.notify_message USING btree (customer_id, created_at DESC);


--
-- Name: notify_message_due_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX notify_message_due_idx ON public.notify_message USING btree (status, next_attempt_at);


--
-- Name: notify_message_idempotency_key_fca417c9_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX notify_message_idempotency_key_fca417c9_like ON public.notify_message USING btree (idempotency_key varchar_pattern_ops);


--
-- Name: notify_message_log_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX notify_message_log_idx ON public.notify_message USING btree (created_at DESC, id DESC);


--
-- Name: notify_message_related_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX notify_message_related_idx ON public.notify_message USING btree (content_type_id, object_id);


--
-- Name: notify_message_template_id_cb1dcc8d; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX notify_message_template_id_cb1dcc8d ON public.notify_message USING btree (template_id);


--
-- Name: notify_messagetemplate_updated_by_id_7986c9b4; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX notify_messagetemplate_updated_by_id_7986c9b4 ON public.notify_messagetemplate USING btree (updated_by_id);


--
-- Name: notify_notificationpreference_customer_id_773fe4e5; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX notify_notificationpreference_customer_id_773fe4e5 ON public.notify_notificationpreference USING btree (customer_id);


--
-- Name: one_active_offer_per_subscription; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX one_active_offer_per_subscription ON public.churn_retentionoffer USING btree (subscription_id) WHERE ((status)::text = 'active'::text);


--
-- Name: one_open_package_change_per_subscription; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX one_open_package_change_per_subscription ON public.billing_packagechange USING btree (subscription_id) WHERE ((status)::text = ANY ((ARRAY['pending'::character varying, 'scheduled'::character varying])::text[]));


--
-- Name: one_period_charge_per_subscription; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX one_period_charge_per_subscription ON public.billing_invoiceline USING btree (subscription_id, period_start) WHERE ((kind)::text = ANY ((ARRAY['recurring'::character varying, 'prorated'::character varying])::text[]));


--
-- Name: one_running_billing_run_per_kind; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX one_running_billing_run_per_kind ON public.billing_billingrun USING btree (dry_run) WHERE ((status)::text = 'running'::text);


--
-- Name: onu_event_onu_at_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX onu_event_onu_at_idx ON public.fibre_onustatusevent USING btree (onu_id, at);


--
-- Name: onu_subscription_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX onu_subscription_idx ON public.fibre_onu USING btree (subscription_id);


--
-- Name: otp_customer_purpose_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX otp_customer_purpose_idx ON public.accounts_onetimecode USING btree (customer_id, purpose, created_at DESC);


--
-- Name: outage_status_start_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX outage_status_start_idx ON public.network_outage USING btree (status, started_at);


--
-- Name: pastpayment_customer_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX pastpayment_customer_idx ON public.payments_pastpayment USING btree (customer_id, paid_on DESC);


--
-- Name: payment_received_at_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payment_received_at_idx ON public.payments_payment USING btree (received_at);


--
-- Name: payments_autopayattempt_customer_id_8d672b92; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_autopayattempt_customer_id_8d672b92 ON public.payments_autopayattempt USING btree (customer_id);


--
-- Name: payments_autopayattempt_gateway_payment_id_306f1bf0; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_autopayattempt_gateway_payment_id_306f1bf0 ON public.payments_autopayattempt USING btree (gateway_payment_id);


--
-- Name: payments_autopayattempt_status_1f5e9aeb; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_autopayattempt_status_1f5e9aeb ON public.payments_autopayattempt USING btree (status);


--
-- Name: payments_autopayattempt_status_1f5e9aeb_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_autopayattempt_status_1f5e9aeb_like ON public.payments_autopayattempt USING btree (status varchar_pattern_ops);


--
-- Name: payments_autopayrun_day_42411828; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_autopayrun_day_42411828 ON public.payments_autopayrun USING btree (day);


--
-- Name: payments_bkashagreement_customer_id_4d2131bc; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_bkashagreement_customer_id_4d2131bc ON public.payments_bkashagreement USING btree (customer_id);


--
-- Name: payments_bkashagreement_link_payment_id_f1a81b94_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_bkashagreement_link_payment_id_f1a81b94_like ON public.payments_bkashagreement USING btree (link_payment_id varchar_pattern_ops);


--
-- Name: payments_bkashagreement_status_b67a5d68; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_bkashagreement_status_b67a5d68 ON public.payments_bkashagreement USING btree (status);


--
-- Name: payments_bkashagreement_status_b67a5d68_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_bkashagreement_status_b67a5d68_like ON public.payments_bkashagreement USING btree (status varchar_pattern_ops);


--
-- Name: payments_bkashsettings_branches_bkashsettings_id_6a6ad5a7; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_bkashsettings_branches_bkashsettings_id_6a6ad5a7 ON public.payments_bkashsettings_branches USING btree (bkashsettings_id);


--
-- Name: payments_bkashsettings_branches_branch_id_0055ddc2; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_bkashsettings_branches_branch_id_0055ddc2 ON public.payments_bkashsettings_branches USING btree (branch_id);


--
-- Name: payments_bkashsettings_updated_by_id_c809843e; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_bkashsettings_updated_by_id_c809843e ON public.payments_bkashsettings USING btree (updated_by_id);


--
-- Name: payments_cashhandover_branch_id_a0df2498; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_cashhandover_branch_id_a0df2498 ON public.payments_cashhandover USING btree (branch_id);


--
-- Name: payments_cashhandover_collector_id_58ec0329; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_cashhandover_collector_id_58ec0329 ON public.payments_cashhandover USING btree (collector_id);


--
-- Name: payments_cashhandover_received_by_id_48d03bfd; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_cashhandover_received_by_id_48d03bfd ON public.payments_cashhandover USING btree (received_by_id);


--
-- Name: payments_gatewayevent_gateway_payment_id_fdd51ad5; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_gatewayevent_gateway_payment_id_fdd51ad5 ON public.payments_gatewayevent USING btree (gateway_payment_id);


--
-- Name: payments_gatewaypayment_agreement_id_e0fb709d; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_gatewaypayment_agreement_id_e0fb709d ON public.payments_gatewaypayment USING btree (agreement_id);


--
-- Name: payments_gatewaypayment_created_at_ceb0ee8d; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_gatewaypayment_created_at_ceb0ee8d ON public.payments_gatewaypayment USING btree (created_at);


--
-- Name: payments_gatewaypayment_customer_id_c7597c72; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_gatewaypayment_customer_id_c7597c72 ON public.payments_gatewaypayment USING btree (customer_id);


--
-- Name: payments_gatewaypayment_gateway_2ee78170; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_gatewaypayment_gateway_2ee78170 ON public.payments_gatewaypayment USING btree (gateway);


--
-- Name: payments_gatewaypayment_gateway_2ee78170_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_gatewaypayment_gateway_2ee78170_like ON public.payments_gatewaypayment USING btree (gateway varchar_pattern_ops);


--
-- Name: payments_gatewaypayment_invoices_gatewaypayment_id_90044499; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_gatewaypayment_invoices_gatewaypayment_id_90044499 ON public.payments_gatewaypayment_invoices USING btree (gatewaypayment_id);


--
-- Name: payments_gatewaypayment_invoices_invoice_id_eb50ba58; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_gatewaypayment_invoices_invoice_id_eb50ba58 ON public.payments_gatewaypayment_invoices USING btree (invoice_id);


--
-- Name: payments_gatewaypayment_reviewed_by_id_d216a5f2; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_gatewaypayment_reviewed_by_id_d216a5f2 ON public.payments_gatewaypayment USING btree (reviewed_by_id);


--
-- Name: payments_gatewaypayment_status_6ead0c9a; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_gatewaypayment_status_6ead0c9a ON public.payments_gatewaypayment USING btree (status);


--
-- Name: payments_gatewaypayment_status_6ead0c9a_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_gatewaypayment_status_6ead0c9a_like ON public.payments_gatewaypayment USING btree (status varchar_pattern_ops);


--
-- Name: payments_gatewaypayment_tran_id_885075d5_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_gatewaypayment_tran_id_885075d5_like ON public.payments_gatewaypayment USING btree (tran_id varchar_pattern_ops);


--
-- Name: payments_gatewaypayment_val_id_6b851134_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_gatewaypayment_val_id_6b851134_like ON public.payments_gatewaypayment USING btree (val_id varchar_pattern_ops);


--
-- Name: payments_gatewayrefund_gateway_payment_id_6f353bbe; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_gatewayrefund_gateway_payment_id_6f353bbe ON public.payments_gatewayrefund USING btree (gateway_payment_id);


--
-- Name: payments_gatewayrefund_refe_id_11a93322_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_gatewayrefund_refe_id_11a93322_like ON public.payments_gatewayrefund USING btree (refe_id varchar_pattern_ops);


--
-- Name: payments_gatewayrefund_request_key_1a7fff7c_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_gatewayrefund_request_key_1a7fff7c_like ON public.payments_gatewayrefund USING btree (request_key varchar_pattern_ops);


--
-- Name: payments_gatewayrefund_requested_by_id_d1a0df37; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_gatewayrefund_requested_by_id_d1a0df37 ON public.payments_gatewayrefund USING btree (requested_by_id);


--
-- Name: payments_gatewayrefund_status_9667896e; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_gatewayrefund_status_9667896e ON public.payments_gatewayrefund USING btree (status);


--
-- Name: payments_gatewayrefund_status_9667896e_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_gatewayrefund_status_9667896e_like ON public.payments_gatewayrefund USING btree (status varchar_pattern_ops);


--
-- Name: payments_gatewaysettings_branches_branch_id_e83f8453; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_gatewaysettings_branches_branch_id_e83f8453 ON public.payments_gatewaysettings_branches USING btree (branch_id);


--
-- Name: payments_gatewaysettings_branches_gatewaysettings_id_1a5895ec; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_gatewaysettings_branches_gatewaysettings_id_1a5895ec ON public.payments_gatewaysettings_branches USING btree (gatewaysettings_id);


--
-- Name: payments_gatewaysettings_updated_by_id_0d4c4ed0; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_gatewaysettings_updated_by_id_0d4c4ed0 ON public.payments_gatewaysettings USING btree (updated_by_id);


--
-- Name: payments_gatewaystatement_day_beeea197; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_gatewaystatement_day_beeea197 ON public.payments_gatewaystatement USING btree (day);


--
-- Name: payments_gatewaystatement_gateway_8b68b569; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_gatewaystatement_gateway_8b68b569 ON public.payments_gatewaystatement USING btree (gateway);


--
-- Name: payments_gatewaystatement_gateway_8b68b569_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_gatewaystatement_gateway_8b68b569_like ON public.payments_gatewaystatement USING btree (gateway varchar_pattern_ops);


--
-- Name: payments_gatewaystatement_uploaded_by_id_5e940b3f; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_gatewaystatement_uploaded_by_id_5e940b3f ON public.payments_gatewaystatement USING btree (uploaded_by_id);


--
-- Name: payments_gatewaystatementline_statement_id_92f1dcf7; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_gatewaystatementline_statement_id_92f1dcf7 ON public.payments_gatewaystatementline USING btree (statement_id);


--
-- Name: payments_gatewaystatementline_txn_id_e884ab66; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_gatewaystatementline_txn_id_e884ab66 ON public.payments_gatewaystatementline USING btree (txn_id);


--
-- Name: payments_gatewaystatementline_txn_id_e884ab66_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_gatewaystatementline_txn_id_e884ab66_like ON public.payments_gatewaystatementline USING btree (txn_id varchar_pattern_ops);


--
-- Name: payments_nagadsettings_branches_branch_id_49f0b703; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_nagadsettings_branches_branch_id_49f0b703 ON public.payments_nagadsettings_branches USING btree (branch_id);


--
-- Name: payments_nagadsettings_branches_nagadsettings_id_fae06628; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_nagadsettings_branches_nagadsettings_id_fae06628 ON public.payments_nagadsettings_branches USING btree (nagadsettings_id);


--
-- Name: payments_nagadsettings_updated_by_id_485cb01a; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_nagadsettings_updated_by_id_485cb01a ON public.payments_nagadsettings USING btree (updated_by_id);


--
-- Name: payments_pastpayment_customer_id_0ae176f6; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_pastpayment_customer_id_0ae176f6 ON public.payments_pastpayment USING btree (customer_id);


--
-- Name: payments_pastpayment_reference_1c8aa7c4_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_pastpayment_reference_1c8aa7c4_like ON public.payments_pastpayment USING btree (reference varchar_pattern_ops);


--
-- Name: payments_payment_customer_id_8b4d6141; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_payment_customer_id_8b4d6141 ON public.payments_payment USING btree (customer_id);


--
-- Name: payments_payment_idempotency_key_d254539e_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_payment_idempotency_key_d254539e_like ON public.payments_payment USING btree (idempotency_key varchar_pattern_ops);


--
-- Name: payments_payment_receipt_number_dd09394e_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_payment_receipt_number_dd09394e_like ON public.payments_payment USING btree (receipt_number varchar_pattern_ops);


--
-- Name: payments_payment_received_by_id_39c5a844; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_payment_received_by_id_39c5a844 ON public.payments_payment USING btree (received_by_id);


--
-- Name: payments_payment_reseller_id_e0a1c6c3; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_payment_reseller_id_e0a1c6c3 ON public.payments_payment USING btree (reseller_id);


--
-- Name: payments_payment_status_fc8cbda2; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_payment_status_fc8cbda2 ON public.payments_payment USING btree (status);


--
-- Name: payments_payment_status_fc8cbda2_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_payment_status_fc8cbda2_like ON public.payments_payment USING btree (status varchar_pattern_ops);


--
-- Name: payments_queuedpayment_customer_id_2dbbc473; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_queuedpayment_customer_id_2dbbc473 ON public.payments_queuedpayment USING btree (customer_id);


--
-- Name: payments_queuedpayment_idempotency_key_784f7c63_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_queuedpayment_idempotency_key_784f7c63_like ON public.payments_queuedpayment USING btree (idempotency_key varchar_pattern_ops);


--
-- Name: payments_reconciliationitem_day_c41d1c92; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_reconciliationitem_day_c41d1c92 ON public.payments_reconciliationitem USING btree (day);


--
-- Name: payments_reconciliationitem_gateway_95f8f83c; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_reconciliationitem_gateway_95f8f83c ON public.payments_reconciliationitem USING btree (gateway);


--
-- Name: payments_reconciliationitem_gateway_95f8f83c_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_reconciliationitem_gateway_95f8f83c_like ON public.payments_reconciliationitem USING btree (gateway varchar_pattern_ops);


--
-- Name: payments_reconciliationitem_gateway_payment_id_e662f833; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_reconciliationitem_gateway_payment_id_e662f833 ON public.payments_reconciliationitem USING btree (gateway_payment_id);


--
-- Name: payments_reconciliationitem_kind_02049ee1; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_reconciliationitem_kind_02049ee1 ON public.payments_reconciliationitem USING btree (kind);


--
-- Name: payments_reconciliationitem_kind_02049ee1_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_reconciliationitem_kind_02049ee1_like ON public.payments_reconciliationitem USING btree (kind varchar_pattern_ops);


--
-- Name: payments_reconciliationitem_payment_id_2d7a4eb7; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_reconciliationitem_payment_id_2d7a4eb7 ON public.payments_reconciliationitem USING btree (payment_id);


--
-- Name: payments_reconciliationitem_resolved_by_id_d9ea2410; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_reconciliationitem_resolved_by_id_d9ea2410 ON public.payments_reconciliationitem USING btree (resolved_by_id);


--
-- Name: payments_reconciliationrun_day_f97a3333; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_reconciliationrun_day_f97a3333 ON public.payments_reconciliationrun USING btree (day);


--
-- Name: payments_reconciliationrun_gateway_e3a43bdf; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_reconciliationrun_gateway_e3a43bdf ON public.payments_reconciliationrun USING btree (gateway);


--
-- Name: payments_reconciliationrun_gateway_e3a43bdf_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_reconciliationrun_gateway_e3a43bdf_like ON public.payments_reconciliationrun USING btree (gateway varchar_pattern_ops);


--
-- Name: payments_reconciliationrun_started_by_id_6a50b70b; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_reconciliationrun_started_by_id_6a50b70b ON public.payments_reconciliationrun USING btree (started_by_id);


--
-- Name: payments_reconciliationrun_statement_id_63ebbbe1; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_reconciliationrun_statement_id_63ebbbe1 ON public.payments_reconciliationrun USING btree (statement_id);


--
-- Name: payments_vdsdeduction_certificate_recorded_by_id_5ebcc25c; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_vdsdeduction_certificate_recorded_by_id_5ebcc25c ON public.payments_vdsdeduction USING btree (certificate_recorded_by_id);


--
-- Name: payments_vdsdeduction_created_by_id_d8dbfdee; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_vdsdeduction_created_by_id_d8dbfdee ON public.payments_vdsdeduction USING btree (created_by_id);


--
-- Name: payments_vdsdeduction_customer_id_31773511; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_vdsdeduction_customer_id_31773511 ON public.payments_vdsdeduction USING btree (customer_id);


--
-- Name: payments_vdsdeduction_invoice_id_9290541e; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payments_vdsdeduction_invoice_id_9290541e ON public.payments_vdsdeduction USING btree (invoice_id);


--
-- Name: provisioning_router_status_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX provisioning_router_status_idx ON public.network_provisioningtask USING btree (router_id, status, id);


--
-- Name: provisioning_subscription_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX provisioning_subscription_idx ON public.network_provisioningtask USING btree (subscription_id, id);


--
-- Name: radacct_ip_time_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX radacct_ip_time_idx ON public.radius_radacct USING btree (framedipaddress, acctstarttime);


--
-- Name: radacct_login_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX radacct_login_idx ON public.radius_radacct USING btree (username, acctstarttime, radacctid);


--
-- Name: radacct_open_login_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX radacct_open_login_idx ON public.radius_radacct USING btree (router_id, username) WHERE (acctstoptime IS NULL);


--
-- Name: radacct_start_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX radacct_start_idx ON public.radius_radacct USING btree (acctstarttime, radacctid);


--
-- Name: radacct_subscription_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX radacct_subscription_idx ON public.radius_radacct USING btree (subscription_id, acctstarttime);


--
-- Name: radacct_updated_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX radacct_updated_idx ON public.radius_radacct USING btree (acctupdatetime);


--
-- Name: radius_log_customer_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX radius_log_customer_idx ON ONLY public.radius_session_log USING btree (customer_id, acctstarttime);


--
-- Name: radius_log_ip_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX radius_log_ip_idx ON ONLY public.radius_session_log USING btree (framedipaddress, acctstarttime) INCLUDE (acctstoptime);


--
-- Name: radius_log_router_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX radius_log_router_idx ON ONLY public.radius_session_log USING btree (router_id, acctstarttime, radacctid);


--
-- Name: radius_log_start_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX radius_log_start_idx ON ONLY public.radius_session_log USING btree (acctstarttime, radacctid);


--
-- Name: radius_log_username_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX radius_log_username_idx ON ONLY public.radius_session_log USING btree (username, acctstarttime);


--
-- Name: radius_login_state_login; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX radius_login_state_login ON public.radius_login_state USING btree (router_id, username);


--
-- Name: radius_postauth_guess_mac_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX radius_postauth_guess_mac_idx ON public.radius_postauth USING btree (callingstationid, authdate) WHERE ((reason)::text = 'card_unknown'::text);


--
-- Name: radius_postauth_guess_nas_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX radius_postauth_guess_nas_idx ON public.radius_postauth USING btree (router_id, authdate) WHERE ((reason)::text = 'card_unknown'::text);


--
-- Name: radius_postauth_router_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX radius_postauth_router_idx ON public.radius_postauth USING btree (router_id, authdate);


--
-- Name: radius_postauth_sub_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX radius_postauth_sub_idx ON public.radius_postauth USING btree (subscription_id, authdate);


--
-- Name: radius_session_log_default_acctstarttime_radacctid_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX radius_session_log_default_acctstarttime_radacctid_idx ON public.radius_session_log_default USING btree (acctstarttime, radacctid);


--
-- Name: radius_session_log_default_customer_id_acctstarttime_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX radius_session_log_default_customer_id_acctstarttime_idx ON public.radius_session_log_default USING btree (customer_id, acctstarttime);


--
-- Name: radius_session_log_default_framedipaddress_acctstarttime_ac_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX radius_session_log_default_framedipaddress_acctstarttime_ac_idx ON public.radius_session_log_default USING btree (framedipaddress, acctstarttime) INCLUDE (acctstoptime);


--
-- Name: radius_session_log_default_router_id_acctstarttime_radaccti_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX radius_session_log_default_router_id_acctstarttime_radaccti_idx ON public.radius_session_log_default USING btree (router_id, acctstarttime, radacctid);


--
-- Name: radius_session_log_default_username_acctstarttime_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX radius_session_log_default_username_acctstarttime_idx ON public.radius_session_log_default USING btree (username, acctstarttime);


--
-- Name: radius_session_log_p202610_acctstarttime_radacctid_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX radius_session_log_p202610_acctstarttime_radacctid_idx ON public.radius_session_log_p202610 USING btree (acctstarttime, radacctid);


--
-- Name: radius_session_log_p202610_customer_id_acctstarttime_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX radius_session_log_p202610_customer_id_acctstarttime_idx ON public.radius_session_log_p202610 USING btree (customer_id, acctstarttime);


--
-- Name: radius_session_log_p202610_framedipaddress_acctstarttime_ac_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX radius_session_log_p202610_framedipaddress_acctstarttime_ac_idx ON public.radius_session_log_p202610 USING btree (framedipaddress, acctstarttime) INCLUDE (acctstoptime);


--
-- Name: radius_session_log_p202610_router_id_acctstarttime_radaccti_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX radius_session_log_p202610_router_id_acctstarttime_radaccti_idx ON public.radius_session_log_p202610 USING btree (router_id, acctstarttime, radacctid);


--
-- Name: radius_session_log_p202610_username_acctstarttime_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX radius_session_log_p202610_username_acctstarttime_idx ON public.radius_session_log_p202610 USING btree (username, acctstarttime);


--
-- Name: radius_session_log_p202611_acctstarttime_radacctid_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX radius_session_log_p202611_acctstarttime_radacctid_idx ON public.radius_session_log_p202611 USING btree (acctstarttime, radacctid);


--
-- Name: radius_session_log_p202611_customer_id_acctstarttime_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX radius_session_log_p202611_customer_id_acctstarttime_idx ON public.radius_session_log_p202611 USING btree (customer_id, acctstarttime);


--
-- Name: radius_session_log_p202611_framedipaddress_acctstarttime_ac_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX radius_session_log_p202611_framedipaddress_acctstarttime_ac_idx ON public.radius_session_log_p202611 USING btree (framedipaddress, acctstarttime) INCLUDE (acctstoptime);


--
-- Name: radius_session_log_p202611_router_id_acctstarttime_radaccti_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX radius_session_log_p202611_router_id_acctstarttime_radaccti_idx ON public.radius_session_log_p202611 USING btree (router_id, acctstarttime, radacctid);


--
-- Name: radius_session_log_p202611_username_acctstarttime_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX radius_session_log_p202611_username_acctstarttime_idx ON public.radius_session_log_p202611 USING btree (username, acctstarttime);


--
-- Name: radius_session_log_p202612_acctstarttime_radacctid_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX radius_session_log_p202612_acctstarttime_radacctid_idx ON public.radius_session_log_p202612 USING btree (acctstarttime, radacctid);


--
-- Name: radius_session_log_p202612_customer_id_acctstarttime_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX radius_session_log_p202612_customer_id_acctstarttime_idx ON public.radius_session_log_p202612 USING btree (customer_id, acctstarttime);


--
-- Name: radius_session_log_p202612_framedipaddress_acctstarttime_ac_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX radius_session_log_p202612_framedipaddress_acctstarttime_ac_idx ON public.radius_session_log_p202612 USING btree (framedipaddress, acctstarttime) INCLUDE (acctstoptime);


--
-- Name: radius_session_log_p202612_router_id_acctstarttime_radaccti_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX radius_session_log_p202612_router_id_acctstarttime_radaccti_idx ON public.radius_session_log_p202612 USING btree (router_id, acctstarttime, radacctid);


--
-- Name: radius_session_log_p202612_username_acctstarttime_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX radius_session_log_p202612_username_acctstarttime_idx ON public.radius_session_log_p202612 USING btree (username, acctstarttime);


--
-- Name: radius_session_log_p202701_acctstarttime_radacctid_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX radius_session_log_p202701_acctstarttime_radacctid_idx ON public.radius_session_log_p202701 USING btree (acctstarttime, radacctid);


--
-- Name: radius_session_log_p202701_customer_id_acctstarttime_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX radius_session_log_p202701_customer_id_acctstarttime_idx ON public.radius_session_log_p202701 USING btree (customer_id, acctstarttime);


--
-- Name: radius_session_log_p202701_framedipaddress_acctstarttime_ac_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX radius_session_log_p202701_framedipaddress_acctstarttime_ac_idx ON public.radius_session_log_p202701 USING btree (framedipaddress, acctstarttime) INCLUDE (acctstoptime);


--
-- Name: radius_session_log_p202701_router_id_acctstarttime_radaccti_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX radius_session_log_p202701_router_id_acctstarttime_radaccti_idx ON public.radius_session_log_p202701 USING btree (router_id, acctstarttime, radacctid);


--
-- Name: radius_session_log_p202701_username_acctstarttime_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX radius_session_log_p202701_username_acctstarttime_idx ON public.radius_session_log_p202701 USING btree (username, acctstarttime);


--
-- Name: radius_session_log_p202702_acctstarttime_radacctid_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX radius_session_log_p202702_acctstarttime_radacctid_idx ON public.radius_session_log_p202702 USING btree (acctstarttime, radacctid);


--
-- Name: radius_session_log_p202702_customer_id_acctstarttime_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX radius_session_log_p202702_customer_id_acctstarttime_idx ON public.radius_session_log_p202702 USING btree (customer_id, acctstarttime);


--
-- Name: radius_session_log_p202702_framedipaddress_acctstarttime_ac_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX radius_session_log_p202702_framedipaddress_acctstarttime_ac_idx ON public.radius_session_log_p202702 USING btree (framedipaddress, acctstarttime) INCLUDE (acctstoptime);


--
-- Name: radius_session_log_p202702_router_id_acctstarttime_radaccti_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX radius_session_log_p202702_router_id_acctstarttime_radaccti_idx ON public.radius_session_log_p202702 USING btree (router_id, acctstarttime, radacctid);


--
-- Name: radius_session_log_p202702_username_acctstarttime_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX radius_session_log_p202702_username_acctstarttime_idx ON public.radius_session_log_p202702 USING btree (username, acctstarttime);


--
-- Name: referral_referrer_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX referral_referrer_idx ON public.customers_referral USING btree (referrer_id, created_at DESC);


--
-- Name: renewal_once_per_period; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX renewal_once_per_period ON public.resellers_renewal USING btree (subscription_id, period_start) WHERE ((status)::text = ANY ((ARRAY['requested'::character varying, 'pending'::character varying, 'settled'::character varying])::text[]));


--
-- Name: renewal_pending_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX renewal_pending_idx ON public.resellers_renewal USING btree (created_at) WHERE ((status)::text = 'pending'::text);


--
-- Name: renewal_requested_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX renewal_requested_idx ON public.resellers_renewal USING btree (reseller_id, id) WHERE ((status)::text = 'requested'::text);


--
-- Name: renewal_sub_latest_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX renewal_sub_latest_idx ON public.resellers_renewal USING btree (subscription_id, period_end DESC);


--
-- Name: resellers_commissionrule_package_id_00760344; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX resellers_commissionrule_package_id_00760344 ON public.resellers_commissionrule USING btree (package_id);


--
-- Name: resellers_commissionrule_reseller_id_f92b731f; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX resellers_commissionrule_reseller_id_f92b731f ON public.resellers_commissionrule USING btree (reseller_id);


--
-- Name: resellers_commissionstatement_closed_by_id_5f41a096; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX resellers_commissionstatement_closed_by_id_5f41a096 ON public.resellers_commissionstatement USING btree (closed_by_id);


--
-- Name: resellers_commissionstatement_reseller_id_f4f67c42; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX resellers_commissionstatement_reseller_id_f4f67c42 ON public.resellers_commissionstatement USING btree (reseller_id);


--
-- Name: resellers_payout_decided_by_id_1a6e8bf1; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX resellers_payout_decided_by_id_1a6e8bf1 ON public.resellers_payout USING btree (decided_by_id);


--
-- Name: resellers_payout_requested_by_id_e2cc5f90; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX resellers_payout_requested_by_id_e2cc5f90 ON public.resellers_payout USING btree (requested_by_id);


--
-- Name: resellers_payout_reseller_id_34443c00; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX resellers_payout_reseller_id_34443c00 ON public.resellers_payout USING btree (reseller_id);


--
-- Name: resellers_payout_status_08aec33a; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX resellers_payout_status_08aec33a ON public.resellers_payout USING btree (status);


--
-- Name: resellers_payout_status_08aec33a_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX resellers_payout_status_08aec33a_like ON public.resellers_payout USING btree (status varchar_pattern_ops);


--
-- Name: resellers_renewal_created_by_id_a3f73413; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX resellers_renewal_created_by_id_a3f73413 ON public.resellers_renewal USING btree (created_by_id);


--
-- Name: resellers_renewal_idempotency_key_861dd265_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX resellers_renewal_idempotency_key_861dd265_like ON public.resellers_renewal USING btree (idempotency_key varchar_pattern_ops);


--
-- Name: resellers_renewal_invoice_id_f8936c67; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX resellers_renewal_invoice_id_f8936c67 ON public.resellers_renewal USING btree (invoice_id);


--
-- Name: resellers_renewal_payment_id_883f815a; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX resellers_renewal_payment_id_883f815a ON public.resellers_renewal USING btree (payment_id);


--
-- Name: resellers_renewal_reseller_id_6234890d; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX resellers_renewal_reseller_id_6234890d ON public.resellers_renewal USING btree (reseller_id);


--
-- Name: resellers_renewal_subscription_id_17dcc692; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX resellers_renewal_subscription_id_17dcc692 ON public.resellers_renewal USING btree (subscription_id);


--
-- Name: resellers_reseller_areas_area_id_61fd6305; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX resellers_reseller_areas_area_id_61fd6305 ON public.resellers_reseller_areas USING btree (area_id);


--
-- Name: resellers_reseller_areas_reseller_id_84475106; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX resellers_reseller_areas_reseller_id_84475106 ON public.resellers_reseller_areas USING btree (reseller_id);


--
-- Name: resellers_reseller_branch_id_5cbbdafe; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX resellers_reseller_branch_id_5cbbdafe ON public.resellers_reseller USING btree (branch_id);


--
-- Name: resellers_reseller_parent_id_5072e308; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX resellers_reseller_parent_id_5072e308 ON public.resellers_reseller USING btree (parent_id);


--
-- Name: resellers_resellerlogin_reseller_id_79ed023f; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX resellers_resellerlogin_reseller_id_79ed023f ON public.resellers_resellerlogin USING btree (reseller_id);


--
-- Name: resellers_resellerpackage_package_id_61c6b84f; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX resellers_resellerpackage_package_id_61c6b84f ON public.resellers_resellerpackage USING btree (package_id);


--
-- Name: resellers_resellerpackage_reseller_id_914e25a0; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX resellers_resellerpackage_reseller_id_914e25a0 ON public.resellers_resellerpackage USING btree (reseller_id);


--
-- Name: router_down_router_start_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX router_down_router_start_idx ON public.network_routerdownperiod USING btree (router_id, started_at);


--
-- Name: router_one_open_down_period; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX router_one_open_down_period ON public.network_routerdownperiod USING btree (router_id) WHERE (ended_at IS NULL);


--
-- Name: signing_session_contract_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX signing_session_contract_idx ON public.contracts_signingsession USING btree (contract_id, created_at DESC);


--
-- Name: speedtest_customer_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX speedtest_customer_idx ON public.customers_speedtestresult USING btree (customer_id, created_at DESC);


--
-- Name: subscription_ip_unique_per_router; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX subscription_ip_unique_per_router ON public.customers_subscription USING btree (router_id, static_ip) WHERE ((static_ip IS NOT NULL) AND (NOT ((status)::text = 'cancelled'::text)));


--
-- Name: subscription_ipoe_mac_unique_per_router; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX subscription_ipoe_mac_unique_per_router ON public.customers_subscription USING btree (router_id, mac_address) WHERE (((connection_type)::text = 'ipoe'::text) AND (NOT ((status)::text = 'cancelled'::text)));


--
-- Name: subscription_username_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX subscription_username_idx ON public.customers_subscription USING btree (username);


--
-- Name: subscription_username_trgm_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX subscription_username_trgm_idx ON public.customers_subscription USING gin (upper((username)::text) public.gin_trgm_ops);


--
-- Name: subscription_username_unique_per_router; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX subscription_username_unique_per_router ON public.customers_subscription USING btree (router_id, username) WHERE ((NOT ((username)::text = ''::text)) AND (NOT ((status)::text = 'cancelled'::text)));


--
-- Name: survey_answered_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX survey_answered_idx ON public.tickets_survey USING btree (answered_at);


--
-- Name: ticket_area_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ticket_area_idx ON public.tickets_ticket USING btree (area_id, status, id);


--
-- Name: ticket_assignee_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ticket_assignee_idx ON public.tickets_ticket USING btree (assignee_id, status, id);


--
-- Name: ticket_branch_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ticket_branch_idx ON public.tickets_ticket USING btree (branch_id, status, id);


--
-- Name: ticket_breached_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ticket_breached_idx ON public.tickets_ticket USING btree (breached, status, id);


--
-- Name: ticket_category_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ticket_category_idx ON public.tickets_ticket USING btree (category, status, id);


--
-- Name: ticket_created_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ticket_created_idx ON public.tickets_ticket USING btree (created_at);


--
-- Name: ticket_customer_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ticket_customer_idx ON public.tickets_ticket USING btree (customer_id, id);


--
-- Name: ticket_priority_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ticket_priority_idx ON public.tickets_ticket USING btree (priority, status, id);


--
-- Name: ticket_resolution_due_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ticket_resolution_due_idx ON public.tickets_ticket USING btree (status, resolution_due);


--
-- Name: ticket_response_due_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ticket_response_due_idx ON public.tickets_ticket USING btree (status, first_response_due);


--
-- Name: ticket_status_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ticket_status_id_idx ON public.tickets_ticket USING btree (status, id);


--
-- Name: ticketcomment_ticket_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ticketcomment_ticket_idx ON public.tickets_ticketcomment USING btree (ticket_id, created_at);


--
-- Name: tickets_survey_agent_id_26cffc67; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tickets_survey_agent_id_26cffc67 ON public.tickets_survey USING btree (agent_id);


--
-- Name: tickets_survey_branch_id_5305feb1; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tickets_survey_branch_id_5305feb1 ON public.tickets_survey USING btree (branch_id);


--
-- Name: tickets_survey_customer_id_edc57293; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tickets_survey_customer_id_edc57293 ON public.tickets_survey USING btree (customer_id);


--
-- Name: tickets_survey_kind_97793b1e; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tickets_survey_kind_97793b1e ON public.tickets_survey USING btree (kind);


--
-- Name: tickets_survey_kind_97793b1e_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tickets_survey_kind_97793b1e_like ON public.tickets_survey USING btree (kind varchar_pattern_ops);


--
-- Name: tickets_ticket_area_id_9fdd5afd; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tickets_ticket_area_id_9fdd5afd ON public.tickets_ticket USING btree (area_id);


--
-- Name: tickets_ticket_assignee_id_3a5aa407; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tickets_ticket_assignee_id_3a5aa407 ON public.tickets_ticket USING btree (assignee_id);


--
-- Name: tickets_ticket_branch_id_5773ac24; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tickets_ticket_branch_id_5773ac24 ON public.tickets_ticket USING btree (branch_id);


--
-- Name: tickets_ticket_created_by_id_c418a145; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tickets_ticket_created_by_id_c418a145 ON public.tickets_ticket USING btree (created_by_id);


--
-- Name: tickets_ticket_customer_id_f2d9135a; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tickets_ticket_customer_id_f2d9135a ON public.tickets_ticket USING btree (customer_id);


--
-- Name: tickets_ticket_number_5f958fbb_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tickets_ticket_number_5f958fbb_like ON public.tickets_ticket USING btree (number varchar_pattern_ops);


--
-- Name: tickets_ticketcomment_author_id_b65344b0; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tickets_ticketcomment_author_id_b65344b0 ON public.tickets_ticketcomment USING btree (author_id);


--
-- Name: tickets_ticketcomment_ticket_id_ef1ee786; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX tickets_ticketcomment_ticket_id_ef1ee786 ON public.tickets_ticketcomment USING btree (ticket_id);


--
-- Name: usage_daily_day_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX usage_daily_day_idx ON public.network_usagedaily USING btree (day, subscription_id);


--
-- Name: usage_hourly_hour_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX usage_hourly_hour_idx ON public.network_usagehourly USING btree (hour);


--
-- Name: usage_sample_router_time_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX usage_sample_router_time_idx ON public.network_usagesample USING btree (router_id, taken_at);


--
-- Name: usage_sample_sub_time_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX usage_sample_sub_time_idx ON public.network_usagesample USING btree (subscription_id, taken_at);


--
-- Name: usage_sample_time_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX usage_sample_time_idx ON public.network_usagesample USING btree (taken_at);


--
-- Name: vds_certificate_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX vds_certificate_idx ON public.payments_vdsdeduction USING btree (certificate_number);


--
-- Name: voucherbatch_distributor_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX voucherbatch_distributor_idx ON public.vouchers_voucherbatch USING btree (distributor_id, id DESC);


--
-- Name: vouchercard_batch_state_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX vouchercard_batch_state_idx ON public.vouchers_vouchercard USING btree (batch_id, state);


--
-- Name: vouchercard_phone_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX vouchercard_phone_idx ON public.vouchers_vouchercard USING btree (phone) WHERE (NOT ((phone)::text = ''::text));


--
-- Name: vouchercard_redeemed_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX vouchercard_redeemed_idx ON public.vouchers_vouchercard USING btree (redeemed_at) WHERE (redeemed_at IS NOT NULL);


--
-- Name: vouchercard_remembered_mac_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX vouchercard_remembered_mac_idx ON public.vouchers_vouchercard USING btree (remembered_mac) WHERE (NOT ((remembered_mac)::text = ''::text));


--
-- Name: vouchercard_sold_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX vouchercard_sold_idx ON public.vouchers_vouchercard USING btree (sold_at) WHERE (sold_at IS NOT NULL);


--
-- Name: vouchercard_used_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX vouchercard_used_idx ON public.vouchers_vouchercard USING btree (first_used_at) WHERE (first_used_at IS NOT NULL);


--
-- Name: vouchers_cardsession_acctuniqueid_71765e18_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX vouchers_cardsession_acctuniqueid_71765e18_like ON public.vouchers_cardsession USING btree (acctuniqueid varchar_pattern_ops);


--
-- Name: vouchers_cardsession_card_id_4d5b7219; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX vouchers_cardsession_card_id_4d5b7219 ON public.vouchers_cardsession USING btree (card_id);


--
-- Name: vouchers_voucherbatch_created_by_id_05744ff9; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX vouchers_voucherbatch_created_by_id_05744ff9 ON public.vouchers_voucherbatch USING btree (created_by_id);


--
-- Name: vouchers_voucherbatch_distributor_id_8419bb90; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX vouchers_voucherbatch_distributor_id_8419bb90 ON public.vouchers_voucherbatch USING btree (distributor_id);


--
-- Name: vouchers_voucherbatch_number_f34ccb9d_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX vouchers_voucherbatch_number_f34ccb9d_like ON public.vouchers_voucherbatch USING btree (number varchar_pattern_ops);


--
-- Name: vouchers_voucherbatch_plan_id_e76e857d; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX vouchers_voucherbatch_plan_id_e76e857d ON public.vouchers_voucherbatch USING btree (plan_id);


--
-- Name: vouchers_voucherbatch_zone_id_2d983607; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX vouchers_voucherbatch_zone_id_2d983607 ON public.vouchers_voucherbatch USING btree (zone_id);


--
-- Name: vouchers_vouchercard_batch_id_ec3b5471; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX vouchers_vouchercard_batch_id_ec3b5471 ON public.vouchers_vouchercard USING btree (batch_id);


--
-- Name: vouchers_vouchercard_code_hmac_94226a07_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX vouchers_vouchercard_code_hmac_94226a07_like ON public.vouchers_vouchercard USING btree (code_hmac varchar_pattern_ops);


--
-- Name: vouchers_vouchercard_redeemed_customer_id_a314ef38; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX vouchers_vouchercard_redeemed_customer_id_a314ef38 ON public.vouchers_vouchercard USING btree (redeemed_customer_id);


--
-- Name: vouchers_vouchercard_used_zone_id_1a9978e2; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX vouchers_vouchercard_used_zone_id_1a9978e2 ON public.vouchers_vouchercard USING btree (used_zone_id);


--
-- Name: vouchers_voucherplan_name_3c03d142_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX vouchers_voucherplan_name_3c03d142_like ON public.vouchers_voucherplan USING btree (name varchar_pattern_ops);


--
-- Name: vouchers_voucherplan_speed_package_id_3865e797; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX vouchers_voucherplan_speed_package_id_3865e797 ON public.vouchers_voucherplan USING btree (speed_package_id);


--
-- Name: vouchers_wifipurchase_plan_id_17dca131; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX vouchers_wifipurchase_plan_id_17dca131 ON public.vouchers_wifipurchase USING btree (plan_id);


--
-- Name: vouchers_wifipurchase_token_3ffe6507_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX vouchers_wifipurchase_token_3ffe6507_like ON public.vouchers_wifipurchase USING btree (token varchar_pattern_ops);


--
-- Name: vouchers_wifipurchase_zone_id_786ef0ba; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX vouchers_wifipurchase_zone_id_786ef0ba ON public.vouchers_wifipurchase USING btree (zone_id);


--
-- Name: vouchers_wifisignupcode_zone_id_c7a50087; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX vouchers_wifisignupcode_zone_id_c7a50087 ON public.vouchers_wifisignupcode USING btree (zone_id);


--
-- Name: vouchers_wifizone_area_id_4e3236ac; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX vouchers_wifizone_area_id_4e3236ac ON public.vouchers_wifizone USING btree (area_id);


--
-- Name: vouchers_wifizone_name_573f2f3f_like; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX vouchers_wifizone_name_573f2f3f_like ON public.vouchers_wifizone USING btree (name varchar_pattern_ops);


--
-- Name: vouchers_wifizone_router_id_164a1211; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX vouchers_wifizone_router_id_164a1211 ON public.vouchers_wifizone USING btree (router_id);


--
-- Name: walletentry_one_debit_per_period; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX walletentry_one_debit_per_period ON public.billing_walletentry USING btree (wallet_id, subscription_id, period_start) WHERE ((kind)::text = 'debit'::text);


--
-- Name: walletentry_wallet_latest_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX walletentry_wallet_latest_idx ON public.billing_walletentry USING btree (wallet_id, id DESC);


--
-- Name: webhook_due_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX webhook_due_idx ON public.core_webhookdelivery USING btree (next_attempt_at) WHERE ((status)::text = 'pending'::text);


--
-- Name: webhook_endpoint_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX webhook_endpoint_idx ON public.core_webhookdelivery USING btree (endpoint_id, id DESC);


--
-- Name: wifipurchase_phone_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX wifipurchase_phone_idx ON public.vouchers_wifipurchase USING btree (phone, id DESC);


--
-- Name: wifisignupcode_phone_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX wifisignupcode_phone_idx ON public.vouchers_wifisignupcode USING btree (phone, created_at DESC);


--
-- Name: wo_tech_status_start_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX wo_tech_status_start_idx ON public.fieldservice_workorder USING btree (technician_id, status, scheduled_start);


--
-- Name: fibre_onu_hourly_default_pkey; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.fibre_onu_hourly_pkey ATTACH PARTITION public.fibre_onu_hourly_default_pkey;


--
-- Name: fibre_onu_sample_default_pkey; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.fibre_onu_sample_pkey ATTACH PARTITION public.fibre_onu_sample_default_pkey;


--
-- Name: radius_session_log_default_acctstarttime_radacctid_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.radius_log_start_idx ATTACH PARTITION public.radius_session_log_default_acctstarttime_radacctid_idx;


--
-- Name: radius_session_log_default_customer_id_acctstarttime_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.radius_log_customer_idx ATTACH PARTITION public.radius_session_log_default_customer_id_acctstarttime_idx;


--
-- Name: radius_session_log_default_framedipaddress_acctstarttime_ac_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.radius_log_ip_idx ATTACH PARTITION public.radius_session_log_default_framedipaddress_acctstarttime_ac_idx;


--
-- Name: radius_session_log_default_pkey; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.radius_session_log_pkey ATTACH PARTITION public.radius_session_log_default_pkey;


--
-- Name: radius_session_log_default_router_id_acctstarttime_radaccti_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.radius_log_router_idx ATTACH PARTITION public.radius_session_log_default_router_id_acctstarttime_radaccti_idx;


--
-- Name: radius_session_log_default_username_acctstarttime_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.radius_log_username_idx ATTACH PARTITION public.radius_session_log_default_username_acctstarttime_idx;


--
-- Name: radius_session_log_p202610_acctstarttime_radacctid_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.radius_log_start_idx ATTACH PARTITION public.radius_session_log_p202610_acctstarttime_radacctid_idx;


--
-- Name: radius_session_log_p202610_customer_id_acctstarttime_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.radius_log_customer_idx ATTACH PARTITION public.radius_session_log_p202610_customer_id_acctstarttime_idx;


--
-- Name: radius_session_log_p202610_framedipaddress_acctstarttime_ac_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.radius_log_ip_idx ATTACH PARTITION public.radius_session_log_p202610_framedipaddress_acctstarttime_ac_idx;


--
-- Name: radius_session_log_p202610_pkey; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.radius_session_log_pkey ATTACH PARTITION public.radius_session_log_p202610_pkey;


--
-- Name: radius_session_log_p202610_router_id_acctstarttime_radaccti_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.radius_log_router_idx ATTACH PARTITION public.radius_session_log_p202610_router_id_acctstarttime_radaccti_idx;


--
-- Name: radius_session_log_p202610_username_acctstarttime_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.radius_log_username_idx ATTACH PARTITION public.radius_session_log_p202610_username_acctstarttime_idx;


--
-- Name: radius_session_log_p202611_acctstarttime_radacctid_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.radius_log_start_idx ATTACH PARTITION public.radius_session_log_p202611_acctstarttime_radacctid_idx;


--
-- Name: radius_session_log_p202611_customer_id_acctstarttime_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.radius_log_customer_idx ATTACH PARTITION public.radius_session_log_p202611_customer_id_acctstarttime_idx;


--
-- Name: radius_session_log_p202611_framedipaddress_acctstarttime_ac_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.radius_log_ip_idx ATTACH PARTITION public.radius_session_log_p202611_framedipaddress_acctstarttime_ac_idx;


--
-- Name: radius_session_log_p202611_pkey; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.radius_session_log_pkey ATTACH PARTITION public.radius_session_log_p202611_pkey;


--
-- Name: radius_session_log_p202611_router_id_acctstarttime_radaccti_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.radius_log_router_idx ATTACH PARTITION public.radius_session_log_p202611_router_id_acctstarttime_radaccti_idx;


--
-- Name: radius_session_log_p202611_username_acctstarttime_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.radius_log_username_idx ATTACH PARTITION public.radius_session_log_p202611_username_acctstarttime_idx;


--
-- Name: radius_session_log_p202612_acctstarttime_radacctid_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.radius_log_start_idx ATTACH PARTITION public.radius_session_log_p202612_acctstarttime_radacctid_idx;


--
-- Name: radius_session_log_p202612_customer_id_acctstarttime_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.radius_log_customer_idx ATTACH PARTITION public.radius_session_log_p202612_customer_id_acctstarttime_idx;


--
-- Name: radius_session_log_p202612_framedipaddress_acctstarttime_ac_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.radius_log_ip_idx ATTACH PARTITION public.radius_session_log_p202612_framedipaddress_acctstarttime_ac_idx;


--
-- Name: radius_session_log_p202612_pkey; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.radius_session_log_pkey ATTACH PARTITION public.radius_session_log_p202612_pkey;


--
-- Name: radius_session_log_p202612_router_id_acctstarttime_radaccti_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.radius_log_router_idx ATTACH PARTITION public.radius_session_log_p202612_router_id_acctstarttime_radaccti_idx;


--
-- Name: radius_session_log_p202612_username_acctstarttime_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.radius_log_username_idx ATTACH PARTITION public.radius_session_log_p202612_username_acctstarttime_idx;


--
-- Name: radius_session_log_p202701_acctstarttime_radacctid_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.radius_log_start_idx ATTACH PARTITION public.radius_session_log_p202701_acctstarttime_radacctid_idx;


--
-- Name: radius_session_log_p202701_customer_id_acctstarttime_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.radius_log_customer_idx ATTACH PARTITION public.radius_session_log_p202701_customer_id_acctstarttime_idx;


--
-- Name: radius_session_log_p202701_framedipaddress_acctstarttime_ac_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.radius_log_ip_idx ATTACH PARTITION public.radius_session_log_p202701_framedipaddress_acctstarttime_ac_idx;


--
-- Name: radius_session_log_p202701_pkey; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.radius_session_log_pkey ATTACH PARTITION public.radius_session_log_p202701_pkey;


--
-- Name: radius_session_log_p202701_router_id_acctstarttime_radaccti_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.radius_log_router_idx ATTACH PARTITION public.radius_session_log_p202701_router_id_acctstarttime_radaccti_idx;


--
-- Name: radius_session_log_p202701_username_acctstarttime_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.radius_log_username_idx ATTACH PARTITION public.radius_session_log_p202701_username_acctstarttime_idx;


--
-- Name: radius_session_log_p202702_acctstarttime_radacctid_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.radius_log_start_idx ATTACH PARTITION public.radius_session_log_p202702_acctstarttime_radacctid_idx;


--
-- Name: radius_session_log_p202702_customer_id_acctstarttime_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.radius_log_customer_idx ATTACH PARTITION public.radius_session_log_p202702_customer_id_acctstarttime_idx;


--
-- Name: radius_session_log_p202702_framedipaddress_acctstarttime_ac_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.radius_log_ip_idx ATTACH PARTITION public.radius_session_log_p202702_framedipaddress_acctstarttime_ac_idx;


--
-- Name: radius_session_log_p202702_pkey; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.radius_session_log_pkey ATTACH PARTITION public.radius_session_log_p202702_pkey;


--
-- Name: radius_session_log_p202702_router_id_acctstarttime_radaccti_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.radius_log_router_idx ATTACH PARTITION public.radius_session_log_p202702_router_id_acctstarttime_radaccti_idx;


--
-- Name: radius_session_log_p202702_username_acctstarttime_idx; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.radius_log_username_idx ATTACH PARTITION public.radius_session_log_p202702_username_acctstarttime_idx;


--
-- Name: books_journalentry books_journalentry_append_only; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER books_journalentry_append_only BEFORE DELETE OR UPDATE ON public.books_journalentry FOR EACH STATEMENT EXECUTE FUNCTION public.books_journal_append_only();


--
-- Name: books_journalline books_journalline_append_only; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER books_journalline_append_only BEFORE DELETE OR UPDATE ON public.books_journalline FOR EACH STATEMENT EXECUTE FUNCTION public.books_journal_append_only();


--
-- Name: books_journalline books_journalline_balanced; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER books_journalline_balanced AFTER INSERT ON public.books_journalline REFERENCING NEW TABLE AS books_new_lines FOR EACH STATEMENT EXECUTE FUNCTION public.books_journal_balanced();


--
-- Name: contracts_contract contracts_contract_signed_immutable; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER contracts_contract_signed_immutable BEFORE DELETE OR UPDATE ON public.contracts_contract FOR EACH ROW EXECUTE FUNCTION public.contracts_contract_keep_signed();


--
-- Name: contracts_contractevent contracts_event_immutable; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER contracts_event_immutable BEFORE DELETE OR UPDATE ON public.contracts_contractevent FOR EACH ROW EXECUTE FUNCTION public.contracts_refuse_change();


--
-- Name: contracts_signature contracts_signature_immutable; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER contracts_signature_immutable BEFORE DELETE OR UPDATE ON public.contracts_signature FOR EACH ROW EXECUTE FUNCTION public.contracts_refuse_change();


--
-- Name: core_auditlog core_auditlog_append_only; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER core_auditlog_append_only BEFORE DELETE OR UPDATE ON public.core_auditlog FOR EACH ROW EXECUTE FUNCTION public.core_auditlog_refuse_change();


--
-- Name: customers_customer customers_tally_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER customers_tally_delete AFTER DELETE ON public.customers_customer REFERENCING OLD TABLE AS tally_old FOR EACH STATEMENT EXECUTE FUNCTION public.customers_tally_delete();


--
-- Name: customers_customer customers_tally_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER customers_tally_insert AFTER INSERT ON public.customers_customer REFERENCING NEW TABLE AS tally_new FOR EACH STATEMENT EXECUTE FUNCTION public.customers_tally_insert();


--
-- Name: customers_customer customers_tally_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER customers_tally_update AFTER UPDATE ON public.customers_customer REFERENCING OLD TABLE AS tally_old NEW TABLE AS tally_new FOR EACH STATEMENT EXECUTE FUNCTION public.customers_tally_update();


--
-- Name: network_router radius_clients_changed; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER radius_clients_changed AFTER INSERT OR DELETE OR UPDATE OF host, radius_secret, aaa_mode, is_active, radius_require_message_authenticator ON public.network_router FOR EACH STATEMENT EXECUTE FUNCTION public.radius_clients_notify();


--
-- Name: network_addressassignment radius_login_state_addresses; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER radius_login_state_addresses AFTER INSERT OR DELETE OR UPDATE ON public.network_addressassignment FOR EACH ROW EXECUTE FUNCTION public.radius_login_state_addresses();


--
-- Name: customers_subscription radius_login_state_del; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER radius_login_state_del AFTER DELETE ON public.customers_subscription REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION public.radius_login_state_subscriptions();


--
-- Name: network_fupstate radius_login_state_fup; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER radius_login_state_fup AFTER INSERT OR DELETE ON public.network_fupstate FOR EACH ROW EXECUTE FUNCTION public.radius_login_state_fup();


--
-- Name: network_fupstate radius_login_state_fup_upd; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER radius_login_state_fup_upd AFTER UPDATE ON public.network_fupstate FOR EACH ROW WHEN ((((old.subscription_id IS DISTINCT FROM new.subscription_id) OR (old.throttled_at IS DISTINCT FROM new.throttled_at)) OR (old.lifted_at IS DISTINCT FROM new.lifted_at))) EXECUTE FUNCTION public.radius_login_state_fup();


--
-- Name: customers_subscription radius_login_state_ins; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER radius_login_state_ins AFTER INSERT ON public.customers_subscription REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.radius_login_state_subscriptions();


--
-- Name: customers_package radius_login_state_package; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER radius_login_state_package AFTER UPDATE ON public.customers_package FOR EACH ROW WHEN (((((((old.download_mbps IS DISTINCT FROM new.download_mbps) OR (old.upload_mbps IS DISTINCT FROM new.upload_mbps)) OR (old.fup_download_mbps IS DISTINCT FROM new.fup_download_mbps)) OR (old.fup_upload_mbps IS DISTINCT FROM new.fup_upload_mbps)) OR (old.bdix_download_mbps IS DISTINCT FROM new.bdix_download_mbps)) OR (old.cache_download_mbps IS DISTINCT FROM new.cache_download_mbps))) EXECUTE FUNCTION public.radius_login_state_package();


--
-- Name: radius_packageradius radius_login_state_package_radius; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER radius_login_state_package_radius AFTER INSERT OR DELETE OR UPDATE ON public.radius_packageradius FOR EACH ROW EXECUTE FUNCTION public.radius_login_state_package();


--
-- Name: network_router radius_login_state_router; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER radius_login_state_router AFTER UPDATE ON public.network_router FOR EACH ROW WHEN (((old.suspended_address_list)::text IS DISTINCT FROM (new.suspended_address_list)::text)) EXECUTE FUNCTION public.radius_login_state_router();


--
-- Name: billing_billingsettings radius_login_state_settings; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER radius_login_state_settings AFTER INSERT OR DELETE ON public.billing_billingsettings FOR EACH ROW EXECUTE FUNCTION public.radius_login_state_settings();


--
-- Name: billing_billingsettings radius_login_state_settings_upd; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER radius_login_state_settings_upd AFTER UPDATE ON public.billing_billingsettings FOR EACH ROW WHEN (((((old.id IS DISTINCT FROM new.id) OR (old.grace_days IS DISTINCT FROM new.grace_days)) OR ((old.blocked_access)::text IS DISTINCT FROM (new.blocked_access)::text)) OR ((old.walled_garden_pool)::text IS DISTINCT FROM (new.walled_garden_pool)::text))) EXECUTE FUNCTION public.radius_login_state_settings();


--
-- Name: customers_packagespeedwindow radius_login_state_speed_window; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER radius_login_state_speed_window AFTER INSERT OR DELETE OR UPDATE ON public.customers_packagespeedwindow FOR EACH ROW EXECUTE FUNCTION public.radius_login_state_package();


--
-- Name: customers_subscription radius_login_state_trunc; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER radius_login_state_trunc AFTER TRUNCATE ON public.customers_subscription FOR EACH STATEMENT EXECUTE FUNCTION public.radius_login_state_subscriptions();


--
-- Name: customers_subscription radius_login_state_upd; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER radius_login_state_upd AFTER UPDATE ON public.customers_subscription REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.radius_login_state_subscriptions();


--
-- Name: accounts_customersession accounts_customersession_user_id_506ead26_fk_accounts_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.accounts_customersession
    ADD CONSTRAINT accounts_customersession_user_id_506ead26_fk_accounts_user_id FOREIGN KEY (user_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: accounts_onetimecode accounts_onetimecode_customer_id_499b5aba_fk_customers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.accounts_onetimecode
    ADD CONSTRAINT accounts_onetimecode_customer_id_499b5aba_fk_customers FOREIGN KEY (customer_id) REFERENCES public.customers_customer(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: accounts_user_branches accounts_user_branch_branch_id_e134a618_fk_customers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.accounts_user_branches
    ADD CONSTRAINT accounts_user_branch_branch_id_e134a618_fk_customers FOREIGN KEY (branch_id) REFERENCES public.customers_branch(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: accounts_user_branches accounts_user_branches_user_id_e71cebef_fk_accounts_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.accounts_user_branches
    ADD CONSTRAINT accounts_user_branches_user_id_e71cebef_fk_accounts_user_id FOREIGN KEY (user_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: accounts_user_groups accounts_user_groups_group_id_bd11a704_fk_auth_group_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.accounts_user_groups
    ADD CONSTRAINT accounts_user_groups_group_id_bd11a704_fk_auth_group_id FOREIGN KEY (group_id) REFERENCES public.auth_group(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: accounts_user_groups accounts_user_groups_user_id_52b62117_fk_accounts_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.accounts_user_groups
    ADD CONSTRAINT accounts_user_groups_user_id_52b62117_fk_accounts_user_id FOREIGN KEY (user_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: accounts_user_user_permissions accounts_user_user_p_permission_id_113bb443_fk_auth_perm; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.accounts_user_user_permissions
    ADD CONSTRAINT accounts_user_user_p_permission_id_113bb443_fk_auth_perm FOREIGN KEY (permission_id) REFERENCES public.auth_permission(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: accounts_user_user_permissions accounts_user_user_p_user_id_e4f0a161_fk_accounts_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.accounts_user_user_permissions
    ADD CONSTRAINT accounts_user_user_p_user_id_e4f0a161_fk_accounts_ FOREIGN KEY (user_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: api_apitoken_branches api_apitoken_branches_apitoken_id_cde461b9_fk_api_apitoken_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.api_apitoken_branches
    ADD CONSTRAINT api_apitoken_branches_apitoken_id_cde461b9_fk_api_apitoken_id FOREIGN KEY (apitoken_id) REFERENCES public.api_apitoken(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: api_apitoken_branches api_apitoken_branches_branch_id_0af1f1db_fk_customers_branch_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.api_apitoken_branches
    ADD CONSTRAINT api_apitoken_branches_branch_id_0af1f1db_fk_customers_branch_id FOREIGN KEY (branch_id) REFERENCES public.customers_branch(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: api_apitoken api_apitoken_created_by_id_920f9908_fk_accounts_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.api_apitoken
    ADD CONSTRAINT api_apitoken_created_by_id_920f9908_fk_accounts_user_id FOREIGN KEY (created_by_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: api_apitoken api_apitoken_customer_id_ae37351a_fk_customers_customer_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.api_apitoken
    ADD CONSTRAINT api_apitoken_customer_id_ae37351a_fk_customers_customer_id FOREIGN KEY (customer_id) REFERENCES public.customers_customer(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: api_apitoken api_apitoken_user_id_9cffaf33_fk_accounts_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.api_apitoken
    ADD CONSTRAINT api_apitoken_user_id_9cffaf33_fk_accounts_user_id FOREIGN KEY (user_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: auth_group_permissions auth_group_permissio_permission_id_84c5c92e_fk_auth_perm; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.auth_group_permissions
    ADD CONSTRAINT auth_group_permissio_permission_id_84c5c92e_fk_auth_perm FOREIGN KEY (permission_id) REFERENCES public.auth_permission(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: auth_group_permissions auth_group_permissions_group_id_b120cbf9_fk_auth_group_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.auth_group_permissions
    ADD CONSTRAINT auth_group_permissions_group_id_b120cbf9_fk_auth_group_id FOREIGN KEY (group_id) REFERENCES public.auth_group(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: auth_permission auth_permission_content_type_id_2f476e4b_fk_django_co; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.auth_permission
    ADD CONSTRAINT auth_permission_content_type_id_2f476e4b_fk_django_co FOREIGN KEY (content_type_id) REFERENCES public.django_content_type(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: axes_accessattemptexpiration axes_accessattemptex_access_attempt_id_6b73a47a_fk_axes_acce; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.axes_accessattemptexpiration
    ADD CONSTRAINT axes_accessattemptex_access_attempt_id_6b73a47a_fk_axes_acce FOREIGN KEY (access_attempt_id) REFERENCES public.axes_accessattempt(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: billing_account billing_account_customer_id_b6f1aa6f_fk_customers_customer_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_account
    ADD CONSTRAINT billing_account_customer_id_b6f1aa6f_fk_customers_customer_id FOREIGN KEY (customer_id) REFERENCES public.customers_customer(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: billing_allocation billing_allocation_invoice_id_15f029b8_fk_billing_invoice_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_allocation
    ADD CONSTRAINT billing_allocation_invoice_id_15f029b8_fk_billing_invoice_id FOREIGN KEY (invoice_id) REFERENCES public.billing_invoice(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: billing_allocation billing_allocation_payment_id_23aa1b53_fk_payments_payment_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_allocation
    ADD CONSTRAINT billing_allocation_payment_id_23aa1b53_fk_payments_payment_id FOREIGN KEY (payment_id) REFERENCES public.payments_payment(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: billing_billingrun billing_billingrun_started_by_id_89f824cb_fk_accounts_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_billingrun
    ADD CONSTRAINT billing_billingrun_started_by_id_89f824cb_fk_accounts_user_id FOREIGN KEY (started_by_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: billing_billingrunchunk billing_billingrunch_run_id_eaf401b6_fk_billing_b; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_billingrunchunk
    ADD CONSTRAINT billing_billingrunch_run_id_eaf401b6_fk_billing_b FOREIGN KEY (run_id) REFERENCES public.billing_billingrun(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: billing_cardsalerefund billing_cardsalerefund_sale_id_87c98f06_fk_billing_cardsale_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_cardsalerefund
    ADD CONSTRAINT billing_cardsalerefund_sale_id_87c98f06_fk_billing_cardsale_id FOREIGN KEY (sale_id) REFERENCES public.billing_cardsale(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: billing_commissionentry billing_commissionen_created_by_id_21519b7d_fk_accounts_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_commissionentry
    ADD CONSTRAINT billing_commissionen_created_by_id_21519b7d_fk_accounts_ FOREIGN KEY (created_by_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: billing_commissionentry billing_commissionen_payment_id_9f045577_fk_payments_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_commissionentry
    ADD CONSTRAINT billing_commissionen_payment_id_9f045577_fk_payments_ FOREIGN KEY (payment_id) REFERENCES public.payments_payment(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: billing_commissionentry billing_commissionen_subscription_id_d30b8c63_fk_customers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_commissionentry
    ADD CONSTRAINT billing_commissionen_subscription_id_d30b8c63_fk_customers FOREIGN KEY (subscription_id) REFERENCES public.customers_subscription(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: billing_commissionentry billing_commissionen_wallet_id_07a872eb_fk_billing_r; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_commissionentry
    ADD CONSTRAINT billing_commissionen_wallet_id_07a872eb_fk_billing_r FOREIGN KEY (wallet_id) REFERENCES public.billing_resellerwallet(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: billing_crediteddays billing_crediteddays_entry_id_d9c701ec_fk_billing_l; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_crediteddays
    ADD CONSTRAINT billing_crediteddays_entry_id_d9c701ec_fk_billing_l FOREIGN KEY (entry_id) REFERENCES public.billing_ledgerentry(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: billing_crediteddays billing_crediteddays_line_id_a90536c7_fk_billing_invoiceline_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_crediteddays
    ADD CONSTRAINT billing_crediteddays_line_id_a90536c7_fk_billing_invoiceline_id FOREIGN KEY (line_id) REFERENCES public.billing_invoiceline(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: billing_creditnote billing_creditnote_created_by_id_b88f0dd1_fk_accounts_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_creditnote
    ADD CONSTRAINT billing_creditnote_created_by_id_b88f0dd1_fk_accounts_user_id FOREIGN KEY (created_by_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: billing_creditnote billing_creditnote_customer_id_e20751e3_fk_customers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_creditnote
    ADD CONSTRAINT billing_creditnote_customer_id_e20751e3_fk_customers FOREIGN KEY (customer_id) REFERENCES public.customers_customer(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: billing_creditnote billing_creditnote_entry_id_000c103c_fk_billing_ledgerentry_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_creditnote
    ADD CONSTRAINT billing_creditnote_entry_id_000c103c_fk_billing_ledgerentry_id FOREIGN KEY (entry_id) REFERENCES public.billing_ledgerentry(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: billing_creditnote billing_creditnote_invoice_id_38246c17_fk_billing_invoice_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_creditnote
    ADD CONSTRAINT billing_creditnote_invoice_id_38246c17_fk_billing_invoice_id FOREIGN KEY (invoice_id) REFERENCES public.billing_invoice(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: billing_debitnote billing_debitnote_charge_id_f452a16c_fk_billing_invoice_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_debitnote
    ADD CONSTRAINT billing_debitnote_charge_id_f452a16c_fk_billing_invoice_id FOREIGN KEY (charge_id) REFERENCES public.billing_invoice(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: billing_debitnote billing_debitnote_created_by_id_492b3a96_fk_accounts_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_debitnote
    ADD CONSTRAINT billing_debitnote_created_by_id_492b3a96_fk_accounts_user_id FOREIGN KEY (created_by_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: billing_debitnote billing_debitnote_customer_id_e46920f7_fk_customers_customer_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_debitnote
    ADD CONSTRAINT billing_debitnote_customer_id_e46920f7_fk_customers_customer_id FOREIGN KEY (customer_id) REFERENCES public.customers_customer(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: billing_debitnote billing_debitnote_entry_id_ea66a9db_fk_billing_ledgerentry_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_debitnote
    ADD CONSTRAINT billing_debitnote_entry_id_ea66a9db_fk_billing_ledgerentry_id FOREIGN KEY (entry_id) REFERENCES public.billing_ledgerentry(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: billing_debitnote billing_debitnote_invoice_id_5363a691_fk_billing_invoice_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_debitnote
    ADD CONSTRAINT billing_debitnote_invoice_id_5363a691_fk_billing_invoice_id FOREIGN KEY (invoice_id) REFERENCES public.billing_invoice(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: billing_invoice billing_invoice_billing_run_id_355fabd7_fk_billing_b; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_invoice
    ADD CONSTRAINT billing_invoice_billing_run_id_355fabd7_fk_billing_b FOREIGN KEY (billing_run_id) REFERENCES public.billing_billingrun(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: billing_invoice billing_invoice_customer_id_12e1ebba_fk_customers_customer_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_invoice
    ADD CONSTRAINT billing_invoice_customer_id_12e1ebba_fk_customers_customer_id FOREIGN KEY (customer_id) REFERENCES public.customers_customer(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: billing_invoiceline billing_invoiceline_invoice_id_ff507e12_fk_billing_invoice_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_invoiceline
    ADD CONSTRAINT billing_invoiceline_invoice_id_ff507e12_fk_billing_invoice_id FOREIGN KEY (invoice_id) REFERENCES public.billing_invoice(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: billing_invoiceline billing_invoiceline_subscription_id_7b3b3333_fk_customers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_invoiceline
    ADD CONSTRAINT billing_invoiceline_subscription_id_7b3b3333_fk_customers FOREIGN KEY (subscription_id) REFERENCES public.customers_subscription(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: billing_ledgerentry billing_ledgerentry_account_id_ac8d6a24_fk_billing_account_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_ledgerentry
    ADD CONSTRAINT billing_ledgerentry_account_id_ac8d6a24_fk_billing_account_id FOREIGN KEY (account_id) REFERENCES public.billing_account(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: billing_ledgerentry billing_ledgerentry_created_by_id_ec50a513_fk_accounts_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_ledgerentry
    ADD CONSTRAINT billing_ledgerentry_created_by_id_ec50a513_fk_accounts_user_id FOREIGN KEY (created_by_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: billing_ledgerentry billing_ledgerentry_invoice_id_031b29f8_fk_billing_invoice_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_ledgerentry
    ADD CONSTRAINT billing_ledgerentry_invoice_id_031b29f8_fk_billing_invoice_id FOREIGN KEY (invoice_id) REFERENCES public.billing_invoice(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: billing_ledgerentry billing_ledgerentry_payment_id_11b5927c_fk_payments_payment_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_ledgerentry
    ADD CONSTRAINT billing_ledgerentry_payment_id_11b5927c_fk_payments_payment_id FOREIGN KEY (payment_id) REFERENCES public.payments_payment(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: billing_ledgerentry billing_ledgerentry_reverses_id_4b47b0b1_fk_billing_l; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_ledgerentry
    ADD CONSTRAINT billing_ledgerentry_reverses_id_4b47b0b1_fk_billing_l FOREIGN KEY (reverses_id) REFERENCES public.billing_ledgerentry(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: billing_linecredit billing_linecredit_line_id_1d0a1100_fk_billing_invoiceline_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_linecredit
    ADD CONSTRAINT billing_linecredit_line_id_1d0a1100_fk_billing_invoiceline_id FOREIGN KEY (line_id) REFERENCES public.billing_invoiceline(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: billing_onetimecharge billing_onetimecharg_created_by_id_0f77b1a9_fk_accounts_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_onetimecharge
    ADD CONSTRAINT billing_onetimecharg_created_by_id_0f77b1a9_fk_accounts_ FOREIGN KEY (created_by_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: billing_onetimecharge billing_onetimecharg_customer_id_d56ec3b0_fk_customers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_onetimecharge
    ADD CONSTRAINT billing_onetimecharg_customer_id_d56ec3b0_fk_customers FOREIGN KEY (customer_id) REFERENCES public.customers_customer(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: billing_onetimecharge billing_onetimecharg_subscription_id_3e855b7f_fk_customers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_onetimecharge
    ADD CONSTRAINT billing_onetimecharg_subscription_id_3e855b7f_fk_customers FOREIGN KEY (subscription_id) REFERENCES public.customers_subscription(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: billing_onetimecharge billing_onetimecharge_invoice_id_fb3e5ea1_fk_billing_invoice_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_onetimecharge
    ADD CONSTRAINT billing_onetimecharge_invoice_id_fb3e5ea1_fk_billing_invoice_id FOREIGN KEY (invoice_id) REFERENCES public.billing_invoice(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: billing_packagechange billing_packagechang_credit_entry_id_d8768f1e_fk_billing_l; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_packagechange
    ADD CONSTRAINT billing_packagechang_credit_entry_id_d8768f1e_fk_billing_l FOREIGN KEY (credit_entry_id) REFERENCES public.billing_ledgerentry(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: billing_packagechange billing_packagechang_decided_by_id_85c6b5d7_fk_accounts_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_packagechange
    ADD CONSTRAINT billing_packagechang_decided_by_id_85c6b5d7_fk_accounts_ FOREIGN KEY (decided_by_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: billing_packagechange billing_packagechang_from_package_id_df47c3c9_fk_customers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_packagechange
    ADD CONSTRAINT billing_packagechang_from_package_id_df47c3c9_fk_customers FOREIGN KEY (from_package_id) REFERENCES public.customers_package(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: billing_packagechange billing_packagechang_requested_by_id_9f697007_fk_accounts_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_packagechange
    ADD CONSTRAINT billing_packagechang_requested_by_id_9f697007_fk_accounts_ FOREIGN KEY (requested_by_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: billing_packagechange billing_packagechang_subscription_id_c931a53f_fk_customers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_packagechange
    ADD CONSTRAINT billing_packagechang_subscription_id_c931a53f_fk_customers FOREIGN KEY (subscription_id) REFERENCES public.customers_subscription(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: billing_packagechange billing_packagechang_to_package_id_4525a330_fk_customers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_packagechange
    ADD CONSTRAINT billing_packagechang_to_package_id_4525a330_fk_customers FOREIGN KEY (to_package_id) REFERENCES public.customers_package(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: billing_packagechange billing_packagechange_invoice_id_36ec43cf_fk_billing_invoice_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_packagechange
    ADD CONSTRAINT billing_packagechange_invoice_id_36ec43cf_fk_billing_invoice_id FOREIGN KEY (invoice_id) REFERENCES public.billing_invoice(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: billing_resellerwallet billing_resellerwall_reseller_id_04026590_fk_resellers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_resellerwallet
    ADD CONSTRAINT billing_resellerwall_reseller_id_04026590_fk_resellers FOREIGN KEY (reseller_id) REFERENCES public.resellers_reseller(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: billing_walletentry billing_walletentry_created_by_id_56bf098f_fk_accounts_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_walletentry
    ADD CONSTRAINT billing_walletentry_created_by_id_56bf098f_fk_accounts_user_id FOREIGN KEY (created_by_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: billing_walletentry billing_walletentry_reverses_id_710f01ec_fk_billing_w; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_walletentry
    ADD CONSTRAINT billing_walletentry_reverses_id_710f01ec_fk_billing_w FOREIGN KEY (reverses_id) REFERENCES public.billing_walletentry(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: billing_walletentry billing_walletentry_subscription_id_a7f14f95_fk_customers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_walletentry
    ADD CONSTRAINT billing_walletentry_subscription_id_a7f14f95_fk_customers FOREIGN KEY (subscription_id) REFERENCES public.customers_subscription(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: billing_walletentry billing_walletentry_wallet_id_6301b669_fk_billing_r; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.billing_walletentry
    ADD CONSTRAINT billing_walletentry_wallet_id_6301b669_fk_billing_r FOREIGN KEY (wallet_id) REFERENCES public.billing_resellerwallet(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: books_bankaccount books_bankaccount_ledger_account_id_c4a8b1e4_fk_books_led; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.books_bankaccount
    ADD CONSTRAINT books_bankaccount_ledger_account_id_c4a8b1e4_fk_books_led FOREIGN KEY (ledger_account_id) REFERENCES public.books_ledgeraccount(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: books_bankmovement books_bankmovement_created_by_id_2cbda8d9_fk_accounts_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.books_bankmovement
    ADD CONSTRAINT books_bankmovement_created_by_id_2cbda8d9_fk_accounts_user_id FOREIGN KEY (created_by_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: books_bankmovement books_bankmovement_from_bank_id_db849c4e_fk_books_ban; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.books_bankmovement
    ADD CONSTRAINT books_bankmovement_from_bank_id_db849c4e_fk_books_ban FOREIGN KEY (from_bank_id) REFERENCES public.books_bankaccount(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: books_bankmovement books_bankmovement_from_branch_id_379bc6e1_fk_customers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.books_bankmovement
    ADD CONSTRAINT books_bankmovement_from_branch_id_379bc6e1_fk_customers FOREIGN KEY (from_branch_id) REFERENCES public.customers_branch(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: books_bankmovement books_bankmovement_to_bank_id_9e2e689e_fk_books_bankaccount_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.books_bankmovement
    ADD CONSTRAINT books_bankmovement_to_bank_id_9e2e689e_fk_books_bankaccount_id FOREIGN KEY (to_bank_id) REFERENCES public.books_bankaccount(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: books_bill books_bill_approved_by_id_a324c1d0_fk_accounts_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.books_bill
    ADD CONSTRAINT books_bill_approved_by_id_a324c1d0_fk_accounts_user_id FOREIGN KEY (approved_by_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: books_bill books_bill_branch_id_813f31df_fk_customers_branch_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.books_bill
    ADD CONSTRAINT books_bill_branch_id_813f31df_fk_customers_branch_id FOREIGN KEY (branch_id) REFERENCES public.customers_branch(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: books_bill books_bill_created_by_id_774c7004_fk_accounts_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.books_bill
    ADD CONSTRAINT books_bill_created_by_id_774c7004_fk_accounts_user_id FOREIGN KEY (created_by_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: books_bill books_bill_paid_bank_id_3f54bfac_fk_books_bankaccount_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.books_bill
    ADD CONSTRAINT books_bill_paid_bank_id_3f54bfac_fk_books_bankaccount_id FOREIGN KEY (paid_bank_id) REFERENCES public.books_bankaccount(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: books_bill books_bill_paid_by_id_6ac351f2_fk_accounts_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.books_bill
    ADD CONSTRAINT books_bill_paid_by_id_6ac351f2_fk_accounts_user_id FOREIGN KEY (paid_by_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: books_bill books_bill_supplier_id_2a8d4823_fk_books_supplier_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.books_bill
    ADD CONSTRAINT books_bill_supplier_id_2a8d4823_fk_books_supplier_id FOREIGN KEY (supplier_id) REFERENCES public.books_supplier(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: books_billpayment books_billpayment_bank_id_8d8f032d_fk_books_bankaccount_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.books_billpayment
    ADD CONSTRAINT books_billpayment_bank_id_8d8f032d_fk_books_bankaccount_id FOREIGN KEY (bank_id) REFERENCES public.books_bankaccount(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: books_billpayment books_billpayment_bill_id_99b7edad_fk_books_bill_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.books_billpayment
    ADD CONSTRAINT books_billpayment_bill_id_99b7edad_fk_books_bill_id FOREIGN KEY (bill_id) REFERENCES public.books_bill(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: books_billpayment books_billpayment_paid_by_id_84b7292a_fk_accounts_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.books_billpayment
    ADD CONSTRAINT books_billpayment_paid_by_id_84b7292a_fk_accounts_user_id FOREIGN KEY (paid_by_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: churn_churnrisk churn_churnrisk_customer_id_7d60e8d6_fk_customers_customer_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.churn_churnrisk
    ADD CONSTRAINT churn_churnrisk_customer_id_7d60e8d6_fk_customers_customer_id FOREIGN KEY (customer_id) REFERENCES public.customers_customer(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: churn_churnrisk churn_churnrisk_model_id_3b8d194d_fk_churn_churnmodel_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.churn_churnrisk
    ADD CONSTRAINT churn_churnrisk_model_id_3b8d194d_fk_churn_churnmodel_id FOREIGN KEY (model_id) REFERENCES public.churn_churnmodel(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: churn_retentioncalltask churn_retentioncallt_assignee_id_767517d2_fk_accounts_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.churn_retentioncalltask
    ADD CONSTRAINT churn_retentioncallt_assignee_id_767517d2_fk_accounts_ FOREIGN KEY (assignee_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: churn_retentioncalltask churn_retentioncallt_created_by_id_e1a72c81_fk_accounts_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.churn_retentioncalltask
    ADD CONSTRAINT churn_retentioncallt_created_by_id_e1a72c81_fk_accounts_ FOREIGN KEY (created_by_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: churn_retentioncalltask churn_retentioncallt_customer_id_9424abb3_fk_customers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.churn_retentioncalltask
    ADD CONSTRAINT churn_retentioncallt_customer_id_9424abb3_fk_customers FOREIGN KEY (customer_id) REFERENCES public.customers_customer(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: churn_retentionfieldcheck churn_retentionfield_created_by_id_424b7b13_fk_accounts_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.churn_retentionfieldcheck
    ADD CONSTRAINT churn_retentionfield_created_by_id_424b7b13_fk_accounts_ FOREIGN KEY (created_by_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: churn_retentionfieldcheck churn_retentionfield_customer_id_a45f6d3d_fk_customers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.churn_retentionfieldcheck
    ADD CONSTRAINT churn_retentionfield_customer_id_a45f6d3d_fk_customers FOREIGN KEY (customer_id) REFERENCES public.customers_customer(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: churn_retentionfieldcheck churn_retentionfield_work_order_id_5a9ad05f_fk_fieldserv; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.churn_retentionfieldcheck
    ADD CONSTRAINT churn_retentionfield_work_order_id_5a9ad05f_fk_fieldserv FOREIGN KEY (work_order_id) REFERENCES public.fieldservice_workorder(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: churn_retentionoffercredit churn_retentionoffer_account_entry_id_ee5bd7cb_fk_billing_l; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.churn_retentionoffercredit
    ADD CONSTRAINT churn_retentionoffer_account_entry_id_ee5bd7cb_fk_billing_l FOREIGN KEY (account_entry_id) REFERENCES public.billing_ledgerentry(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: churn_retentionoffer churn_retentionoffer_created_by_id_dc5e30bb_fk_accounts_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.churn_retentionoffer
    ADD CONSTRAINT churn_retentionoffer_created_by_id_dc5e30bb_fk_accounts_user_id FOREIGN KEY (created_by_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: churn_retentionoffercredit churn_retentionoffer_credit_note_id_8e7ae6fc_fk_billing_c; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.churn_retentionoffercredit
    ADD CONSTRAINT churn_retentionoffer_credit_note_id_8e7ae6fc_fk_billing_c FOREIGN KEY (credit_note_id) REFERENCES public.billing_creditnote(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: churn_retentionoffer churn_retentionoffer_customer_id_a123f02a_fk_customers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.churn_retentionoffer
    ADD CONSTRAINT churn_retentionoffer_customer_id_a123f02a_fk_customers FOREIGN KEY (customer_id) REFERENCES public.customers_customer(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: churn_retentionoffercredit churn_retentionoffer_invoice_id_e75a9044_fk_billing_i; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.churn_retentionoffercredit
    ADD CONSTRAINT churn_retentionoffer_invoice_id_e75a9044_fk_billing_i FOREIGN KEY (invoice_id) REFERENCES public.billing_invoice(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: churn_retentionoffercredit churn_retentionoffer_offer_id_f180a52f_fk_churn_ret; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.churn_retentionoffercredit
    ADD CONSTRAINT churn_retentionoffer_offer_id_f180a52f_fk_churn_ret FOREIGN KEY (offer_id) REFERENCES public.churn_retentionoffer(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: churn_retentionoffer churn_retentionoffer_original_package_id_8e008117_fk_customers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.churn_retentionoffer
    ADD CONSTRAINT churn_retentionoffer_original_package_id_8e008117_fk_customers FOREIGN KEY (original_package_id) REFERENCES public.customers_package(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: churn_retentionoffer churn_retentionoffer_subscription_id_22d1343b_fk_customers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.churn_retentionoffer
    ADD CONSTRAINT churn_retentionoffer_subscription_id_22d1343b_fk_customers FOREIGN KEY (subscription_id) REFERENCES public.customers_subscription(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: churn_retentionoffer churn_retentionoffer_switch_back_change_i_9c55eb20_fk_billing_p; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.churn_retentionoffer
    ADD CONSTRAINT churn_retentionoffer_switch_back_change_i_9c55eb20_fk_billing_p FOREIGN KEY (switch_back_change_id) REFERENCES public.billing_packagechange(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: churn_retentionoffer churn_retentionoffer_upgrade_change_id_82c356e7_fk_billing_p; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.churn_retentionoffer
    ADD CONSTRAINT churn_retentionoffer_upgrade_change_id_82c356e7_fk_billing_p FOREIGN KEY (upgrade_change_id) REFERENCES public.billing_packagechange(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: churn_retentionoffer churn_retentionoffer_upgrade_package_id_b6fc2c38_fk_customers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.churn_retentionoffer
    ADD CONSTRAINT churn_retentionoffer_upgrade_package_id_b6fc2c38_fk_customers FOREIGN KEY (upgrade_package_id) REFERENCES public.customers_package(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: contracts_contract contracts_contract_created_by_id_1552fda4_fk_accounts_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.contracts_contract
    ADD CONSTRAINT contracts_contract_created_by_id_1552fda4_fk_accounts_user_id FOREIGN KEY (created_by_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: contracts_contract contracts_contract_customer_id_b91a6462_fk_customers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.contracts_contract
    ADD CONSTRAINT contracts_contract_customer_id_b91a6462_fk_customers FOREIGN KEY (customer_id) REFERENCES public.customers_customer(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: contracts_contract contracts_contract_fee_charge_id_774cba9f_fk_billing_o; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.contracts_contract
    ADD CONSTRAINT contracts_contract_fee_charge_id_774cba9f_fk_billing_o FOREIGN KEY (fee_charge_id) REFERENCES public.billing_onetimecharge(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: contracts_contract contracts_contract_renewed_from_id_0fa44667_fk_contracts; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.contracts_contract
    ADD CONSTRAINT contracts_contract_renewed_from_id_0fa44667_fk_contracts FOREIGN KEY (renewed_from_id) REFERENCES public.contracts_contract(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: contracts_contract contracts_contract_replaces_id_1b201615_fk_contracts; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.contracts_contract
    ADD CONSTRAINT contracts_contract_replaces_id_1b201615_fk_contracts FOREIGN KEY (replaces_id) REFERENCES public.contracts_contract(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: contracts_contract contracts_contract_subscription_id_5bf566d1_fk_customers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.contracts_contract
    ADD CONSTRAINT contracts_contract_subscription_id_5bf566d1_fk_customers FOREIGN KEY (subscription_id) REFERENCES public.customers_subscription(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: contracts_contract contracts_contract_template_id_51d2e329_fk_contracts; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.contracts_contract
    ADD CONSTRAINT contracts_contract_template_id_51d2e329_fk_contracts FOREIGN KEY (template_id) REFERENCES public.contracts_contracttemplate(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: contracts_contractevent contracts_contractev_contract_id_f1004c25_fk_contracts; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.contracts_contractevent
    ADD CONSTRAINT contracts_contractev_contract_id_f1004c25_fk_contracts FOREIGN KEY (contract_id) REFERENCES public.contracts_contract(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: contracts_contractevent contracts_contractevent_actor_id_c679fd3e_fk_accounts_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.contracts_contractevent
    ADD CONSTRAINT contracts_contractevent_actor_id_c679fd3e_fk_accounts_user_id FOREIGN KEY (actor_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: contracts_contractrule contracts_contractru_created_by_id_3e5cbeaa_fk_accounts_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.contracts_contractrule
    ADD CONSTRAINT contracts_contractru_created_by_id_3e5cbeaa_fk_accounts_ FOREIGN KEY (created_by_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: contracts_contractrule contracts_contractru_package_id_6a39aa82_fk_customers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.contracts_contractrule
    ADD CONSTRAINT contracts_contractru_package_id_6a39aa82_fk_customers FOREIGN KEY (package_id) REFERENCES public.customers_package(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: contracts_contracttemplate contracts_contractte_created_by_id_18e7bb94_fk_accounts_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.contracts_contracttemplate
    ADD CONSTRAINT contracts_contractte_created_by_id_18e7bb94_fk_accounts_ FOREIGN KEY (created_by_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: contracts_signature contracts_signature_contract_id_da3e9a54_fk_contracts; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.contracts_signature
    ADD CONSTRAINT contracts_signature_contract_id_da3e9a54_fk_contracts FOREIGN KEY (contract_id) REFERENCES public.contracts_contract(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: contracts_signature contracts_signature_witness_id_b82f53fb_fk_accounts_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.contracts_signature
    ADD CONSTRAINT contracts_signature_witness_id_b82f53fb_fk_accounts_user_id FOREIGN KEY (witness_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: contracts_signingsession contracts_signingses_contract_id_c913f353_fk_contracts; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.contracts_signingsession
    ADD CONSTRAINT contracts_signingses_contract_id_c913f353_fk_contracts FOREIGN KEY (contract_id) REFERENCES public.contracts_contract(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: contracts_signingsession contracts_signingses_one_time_code_id_02e0895b_fk_accounts_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.contracts_signingsession
    ADD CONSTRAINT contracts_signingses_one_time_code_id_02e0895b_fk_accounts_ FOREIGN KEY (one_time_code_id) REFERENCES public.accounts_onetimecode(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: contracts_signingsession contracts_signingses_witness_id_47dd2e50_fk_accounts_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.contracts_signingsession
    ADD CONSTRAINT contracts_signingses_witness_id_47dd2e50_fk_accounts_ FOREIGN KEY (witness_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: core_auditlog core_auditlog_actor_id_ab091f3c_fk_accounts_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.core_auditlog
    ADD CONSTRAINT core_auditlog_actor_id_ab091f3c_fk_accounts_user_id FOREIGN KEY (actor_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: core_auditlog core_auditlog_content_type_id_0a26d6b4_fk_django_co; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.core_auditlog
    ADD CONSTRAINT core_auditlog_content_type_id_0a26d6b4_fk_django_co FOREIGN KEY (content_type_id) REFERENCES public.django_content_type(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: core_jobrun core_jobrun_requested_by_id_6a0a417f_fk_accounts_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.core_jobrun
    ADD CONSTRAINT core_jobrun_requested_by_id_6a0a417f_fk_accounts_user_id FOREIGN KEY (requested_by_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: core_webhookattempt core_webhookattempt_delivery_id_669fc61b_fk_core_webh; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.core_webhookattempt
    ADD CONSTRAINT core_webhookattempt_delivery_id_669fc61b_fk_core_webh FOREIGN KEY (delivery_id) REFERENCES public.core_webhookdelivery(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: core_webhookdelivery core_webhookdelivery_endpoint_id_3020c03c_fk_core_webh; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.core_webhookdelivery
    ADD CONSTRAINT core_webhookdelivery_endpoint_id_3020c03c_fk_core_webh FOREIGN KEY (endpoint_id) REFERENCES public.core_webhookendpoint(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: core_webhookdelivery core_webhookdelivery_replay_of_id_d3c988f1_fk_core_webh; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.core_webhookdelivery
    ADD CONSTRAINT core_webhookdelivery_replay_of_id_d3c988f1_fk_core_webh FOREIGN KEY (replay_of_id) REFERENCES public.core_webhookdelivery(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: core_webhookendpoint core_webhookendpoint_created_by_id_821654c8_fk_accounts_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.core_webhookendpoint
    ADD CONSTRAINT core_webhookendpoint_created_by_id_821654c8_fk_accounts_user_id FOREIGN KEY (created_by_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: customers_area customers_area_branch_id_86f954e6_fk_customers_branch_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customers_area
    ADD CONSTRAINT customers_area_branch_id_86f954e6_fk_customers_branch_id FOREIGN KEY (branch_id) REFERENCES public.customers_branch(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: customers_area customers_area_collector_id_e3abbe07_fk_accounts_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customers_area
    ADD CONSTRAINT customers_area_collector_id_e3abbe07_fk_accounts_user_id FOREIGN KEY (collector_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: customers_calllog customers_calllog_called_by_id_30351964_fk_accounts_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customers_calllog
    ADD CONSTRAINT customers_calllog_called_by_id_30351964_fk_accounts_user_id FOREIGN KEY (called_by_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: customers_calllog customers_calllog_customer_id_3b483fae_fk_customers_customer_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customers_calllog
    ADD CONSTRAINT customers_calllog_customer_id_3b483fae_fk_customers_customer_id FOREIGN KEY (customer_id) REFERENCES public.customers_customer(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: customers_customer customers_customer_area_id_565553f5_fk_customers_area_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customers_customer
    ADD CONSTRAINT customers_customer_area_id_565553f5_fk_customers_area_id FOREIGN KEY (area_id) REFERENCES public.customers_area(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: customers_customer customers_customer_branch_id_6f75e537_fk_customers_branch_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customers_customer
    ADD CONSTRAINT customers_customer_branch_id_6f75e537_fk_customers_branch_id FOREIGN KEY (branch_id) REFERENCES public.customers_branch(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: customers_customer customers_customer_collector_id_8970afe4_fk_accounts_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customers_customer
    ADD CONSTRAINT customers_customer_collector_id_8970afe4_fk_accounts_user_id FOREIGN KEY (collector_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: customers_customer customers_customer_reseller_id_eb0ab540_fk_resellers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customers_customer
    ADD CONSTRAINT customers_customer_reseller_id_eb0ab540_fk_resellers FOREIGN KEY (reseller_id) REFERENCES public.resellers_reseller(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: customers_customer customers_customer_user_id_a9568d6c_fk_accounts_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customers_customer
    ADD CONSTRAINT customers_customer_user_id_a9568d6c_fk_accounts_user_id FOREIGN KEY (user_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: customers_lead customers_lead_area_id_68d35884_fk_customers_area_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customers_lead
    ADD CONSTRAINT customers_lead_area_id_68d35884_fk_customers_area_id FOREIGN KEY (area_id) REFERENCES public.customers_area(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: customers_lead customers_lead_assigned_to_id_de31f837_fk_accounts_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customers_lead
    ADD CONSTRAINT customers_lead_assigned_to_id_de31f837_fk_accounts_user_id FOREIGN KEY (assigned_to_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: customers_lead customers_lead_branch_id_31318f0b_fk_customers_branch_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customers_lead
    ADD CONSTRAINT customers_lead_branch_id_31318f0b_fk_customers_branch_id FOREIGN KEY (branch_id) REFERENCES public.customers_branch(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: customers_lead customers_lead_converted_customer_i_576475c6_fk_customers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customers_lead
    ADD CONSTRAINT customers_lead_converted_customer_i_576475c6_fk_customers FOREIGN KEY (converted_customer_id) REFERENCES public.customers_customer(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: customers_lead customers_lead_interested_package_i_90aeaf9a_fk_customers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customers_lead
    ADD CONSTRAINT customers_lead_interested_package_i_90aeaf9a_fk_customers FOREIGN KEY (interested_package_id) REFERENCES public.customers_package(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: customers_packagespeedwindow customers_packagespe_package_id_c57a67dc_fk_customers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customers_packagespeedwindow
    ADD CONSTRAINT customers_packagespe_package_id_c57a67dc_fk_customers FOREIGN KEY (package_id) REFERENCES public.customers_package(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: customers_referral customers_referral_lead_id_c2451b1d_fk_customers_lead_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customers_referral
    ADD CONSTRAINT customers_referral_lead_id_c2451b1d_fk_customers_lead_id FOREIGN KEY (lead_id) REFERENCES public.customers_lead(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: customers_referral customers_referral_referred_customer_id_8632c1df_fk_customers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customers_referral
    ADD CONSTRAINT customers_referral_referred_customer_id_8632c1df_fk_customers FOREIGN KEY (referred_customer_id) REFERENCES public.customers_customer(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: customers_referral customers_referral_referrer_id_21ecbc2d_fk_customers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customers_referral
    ADD CONSTRAINT customers_referral_referrer_id_21ecbc2d_fk_customers FOREIGN KEY (referrer_id) REFERENCES public.customers_customer(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: customers_referralcredit customers_referralcr_ledger_entry_id_1f18ec12_fk_billing_l; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customers_referralcredit
    ADD CONSTRAINT customers_referralcr_ledger_entry_id_1f18ec12_fk_billing_l FOREIGN KEY (ledger_entry_id) REFERENCES public.billing_ledgerentry(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: customers_referralcredit customers_referralcr_payment_id_a57011cc_fk_payments_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customers_referralcredit
    ADD CONSTRAINT customers_referralcr_payment_id_a57011cc_fk_payments_ FOREIGN KEY (payment_id) REFERENCES public.payments_payment(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: customers_referralcredit customers_referralcr_referral_id_7d80e259_fk_customers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customers_referralcredit
    ADD CONSTRAINT customers_referralcr_referral_id_7d80e259_fk_customers FOREIGN KEY (referral_id) REFERENCES public.customers_referral(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: customers_referralcredit customers_referralcr_reversal_entry_id_6b6393de_fk_billing_l; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customers_referralcredit
    ADD CONSTRAINT customers_referralcr_reversal_entry_id_6b6393de_fk_billing_l FOREIGN KEY (reversal_entry_id) REFERENCES public.billing_ledgerentry(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: customers_referralcredit customers_referralcr_reversed_by_id_0df2f5f2_fk_accounts_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customers_referralcredit
    ADD CONSTRAINT customers_referralcr_reversed_by_id_0df2f5f2_fk_accounts_ FOREIGN KEY (reversed_by_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: customers_speedtestresult customers_speedtestr_customer_id_fa21958a_fk_customers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customers_speedtestresult
    ADD CONSTRAINT customers_speedtestr_customer_id_fa21958a_fk_customers FOREIGN KEY (customer_id) REFERENCES public.customers_customer(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: customers_subscription customers_subscripti_customer_id_f27cd752_fk_customers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customers_subscription
    ADD CONSTRAINT customers_subscripti_customer_id_f27cd752_fk_customers FOREIGN KEY (customer_id) REFERENCES public.customers_customer(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: customers_subscription customers_subscripti_package_id_789aef63_fk_customers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customers_subscription
    ADD CONSTRAINT customers_subscripti_package_id_789aef63_fk_customers FOREIGN KEY (package_id) REFERENCES public.customers_package(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: customers_subscription customers_subscription_router_id_a9b48bf3_fk_network_router_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.customers_subscription
    ADD CONSTRAINT customers_subscription_router_id_a9b48bf3_fk_network_router_id FOREIGN KEY (router_id) REFERENCES public.network_router(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: dashboard_dailymetric dashboard_dailymetric_branch_id_833b7ab9_fk_customers_branch_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.dashboard_dailymetric
    ADD CONSTRAINT dashboard_dailymetric_branch_id_833b7ab9_fk_customers_branch_id FOREIGN KEY (branch_id) REFERENCES public.customers_branch(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: django_admin_log django_admin_log_content_type_id_c4bce8eb_fk_django_co; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.django_admin_log
    ADD CONSTRAINT django_admin_log_content_type_id_c4bce8eb_fk_django_co FOREIGN KEY (content_type_id) REFERENCES public.django_content_type(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: django_admin_log django_admin_log_user_id_c564eba6_fk_accounts_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.django_admin_log
    ADD CONSTRAINT django_admin_log_user_id_c564eba6_fk_accounts_user_id FOREIGN KEY (user_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: fibre_fibreincident fibre_fibreincident_olt_id_3fdb9815_fk_fibre_olt_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fibre_fibreincident
    ADD CONSTRAINT fibre_fibreincident_olt_id_3fdb9815_fk_fibre_olt_id FOREIGN KEY (olt_id) REFERENCES public.fibre_olt(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: fibre_fibreincident fibre_fibreincident_onu_id_ff7ed3b9_fk_fibre_onu_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fibre_fibreincident
    ADD CONSTRAINT fibre_fibreincident_onu_id_ff7ed3b9_fk_fibre_onu_id FOREIGN KEY (onu_id) REFERENCES public.fibre_onu(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: fibre_fibreincident fibre_fibreincident_outage_id_40e1d886_fk_network_outage_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fibre_fibreincident
    ADD CONSTRAINT fibre_fibreincident_outage_id_40e1d886_fk_network_outage_id FOREIGN KEY (outage_id) REFERENCES public.network_outage(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: fibre_fibreincident fibre_fibreincident_pon_port_id_f1a624be_fk_fibre_ponport_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fibre_fibreincident
    ADD CONSTRAINT fibre_fibreincident_pon_port_id_f1a624be_fk_fibre_ponport_id FOREIGN KEY (pon_port_id) REFERENCES public.fibre_ponport(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: fibre_fibreincidentticket fibre_fibreincidentt_incident_id_0930bb9a_fk_fibre_fib; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fibre_fibreincidentticket
    ADD CONSTRAINT fibre_fibreincidentt_incident_id_0930bb9a_fk_fibre_fib FOREIGN KEY (incident_id) REFERENCES public.fibre_fibreincident(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: fibre_olt fibre_olt_branch_id_013124d7_fk_customers_branch_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fibre_olt
    ADD CONSTRAINT fibre_olt_branch_id_013124d7_fk_customers_branch_id FOREIGN KEY (branch_id) REFERENCES public.customers_branch(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: fibre_onu fibre_onu_moved_from_id_1e1ceef3_fk_fibre_ponport_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fibre_onu
    ADD CONSTRAINT fibre_onu_moved_from_id_1e1ceef3_fk_fibre_ponport_id FOREIGN KEY (moved_from_id) REFERENCES public.fibre_ponport(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: fibre_onu fibre_onu_olt_id_adc9fabe_fk_fibre_olt_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fibre_onu
    ADD CONSTRAINT fibre_onu_olt_id_adc9fabe_fk_fibre_olt_id FOREIGN KEY (olt_id) REFERENCES public.fibre_olt(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: fibre_onu fibre_onu_pon_port_id_1c486406_fk_fibre_ponport_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fibre_onu
    ADD CONSTRAINT fibre_onu_pon_port_id_1c486406_fk_fibre_ponport_id FOREIGN KEY (pon_port_id) REFERENCES public.fibre_ponport(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: fibre_onu fibre_onu_subscription_id_67ed8039_fk_customers_subscription_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fibre_onu
    ADD CONSTRAINT fibre_onu_subscription_id_67ed8039_fk_customers_subscription_id FOREIGN KEY (subscription_id) REFERENCES public.customers_subscription(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: fibre_onustatusevent fibre_onustatusevent_onu_id_9336bad4_fk_fibre_onu_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fibre_onustatusevent
    ADD CONSTRAINT fibre_onustatusevent_onu_id_9336bad4_fk_fibre_onu_id FOREIGN KEY (onu_id) REFERENCES public.fibre_onu(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: fibre_ponport fibre_ponport_area_id_1177d86d_fk_customers_area_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fibre_ponport
    ADD CONSTRAINT fibre_ponport_area_id_1177d86d_fk_customers_area_id FOREIGN KEY (area_id) REFERENCES public.customers_area(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: fibre_ponport fibre_ponport_olt_id_3ad3886e_fk_fibre_olt_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fibre_ponport
    ADD CONSTRAINT fibre_ponport_olt_id_3ad3886e_fk_fibre_olt_id FOREIGN KEY (olt_id) REFERENCES public.fibre_olt(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: fieldservice_checklistitem fieldservice_checkli_done_by_id_d558e366_fk_accounts_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fieldservice_checklistitem
    ADD CONSTRAINT fieldservice_checkli_done_by_id_d558e366_fk_accounts_ FOREIGN KEY (done_by_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: fieldservice_checklistitem fieldservice_checkli_order_id_873998fa_fk_fieldserv; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fieldservice_checklistitem
    ADD CONSTRAINT fieldservice_checkli_order_id_873998fa_fk_fieldserv FOREIGN KEY (order_id) REFERENCES public.fieldservice_workorder(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: fieldservice_checklisttemplateitem fieldservice_checkli_template_id_d8da416a_fk_fieldserv; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fieldservice_checklisttemplateitem
    ADD CONSTRAINT fieldservice_checkli_template_id_d8da416a_fk_fieldserv FOREIGN KEY (template_id) REFERENCES public.fieldservice_checklisttemplate(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: fieldservice_equipmentmovement fieldservice_equipme_actor_id_5149d5b9_fk_accounts_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fieldservice_equipmentmovement
    ADD CONSTRAINT fieldservice_equipme_actor_id_5149d5b9_fk_accounts_ FOREIGN KEY (actor_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: fieldservice_equipmentitem fieldservice_equipme_branch_id_203edc3d_fk_customers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fieldservice_equipmentitem
    ADD CONSTRAINT fieldservice_equipme_branch_id_203edc3d_fk_customers FOREIGN KEY (branch_id) REFERENCES public.customers_branch(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: fieldservice_equipmentrentalcharge fieldservice_equipme_charge_id_6827d9f9_fk_billing_o; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fieldservice_equipmentrentalcharge
    ADD CONSTRAINT fieldservice_equipme_charge_id_6827d9f9_fk_billing_o FOREIGN KEY (charge_id) REFERENCES public.billing_onetimecharge(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: fieldservice_equipmentrentalcharge fieldservice_equipme_credit_note_id_f18a72bc_fk_billing_l; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fieldservice_equipmentrentalcharge
    ADD CONSTRAINT fieldservice_equipme_credit_note_id_f18a72bc_fk_billing_l FOREIGN KEY (credit_note_id) REFERENCES public.billing_ledgerentry(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: fieldservice_equipmentmovement fieldservice_equipme_customer_id_32d6b2ae_fk_customers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fieldservice_equipmentmovement
    ADD CONSTRAINT fieldservice_equipme_customer_id_32d6b2ae_fk_customers FOREIGN KEY (customer_id) REFERENCES public.customers_customer(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: fieldservice_equipmentitem fieldservice_equipme_customer_id_5043b260_fk_customers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fieldservice_equipmentitem
    ADD CONSTRAINT fieldservice_equipme_customer_id_5043b260_fk_customers FOREIGN KEY (customer_id) REFERENCES public.customers_customer(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: fieldservice_equipmentrental fieldservice_equipme_customer_id_5b7dddd8_fk_customers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fieldservice_equipmentrental
    ADD CONSTRAINT fieldservice_equipme_customer_id_5b7dddd8_fk_customers FOREIGN KEY (customer_id) REFERENCES public.customers_customer(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: fieldservice_equipmentmovement fieldservice_equipme_invoice_id_360a7c08_fk_billing_i; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fieldservice_equipmentmovement
    ADD CONSTRAINT fieldservice_equipme_invoice_id_360a7c08_fk_billing_i FOREIGN KEY (invoice_id) REFERENCES public.billing_invoice(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: fieldservice_equipmentrental fieldservice_equipme_item_id_2defdc4d_fk_fieldserv; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fieldservice_equipmentrental
    ADD CONSTRAINT fieldservice_equipme_item_id_2defdc4d_fk_fieldserv FOREIGN KEY (item_id) REFERENCES public.fieldservice_equipmentitem(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: fieldservice_equipmentmovement fieldservice_equipme_item_id_f7ff9445_fk_fieldserv; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fieldservice_equipmentmovement
    ADD CONSTRAINT fieldservice_equipme_item_id_f7ff9445_fk_fieldserv FOREIGN KEY (item_id) REFERENCES public.fieldservice_equipmentitem(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: fieldservice_equipmentitem fieldservice_equipme_model_id_4379e974_fk_fieldserv; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fieldservice_equipmentitem
    ADD CONSTRAINT fieldservice_equipme_model_id_4379e974_fk_fieldserv FOREIGN KEY (model_id) REFERENCES public.fieldservice_equipmentmodel(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: fieldservice_equipmentmovement fieldservice_equipme_order_id_bbfed313_fk_fieldserv; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fieldservice_equipmentmovement
    ADD CONSTRAINT fieldservice_equipme_order_id_bbfed313_fk_fieldserv FOREIGN KEY (order_id) REFERENCES public.fieldservice_workorder(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: fieldservice_equipmentrental fieldservice_equipme_order_id_d73e12f5_fk_fieldserv; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fieldservice_equipmentrental
    ADD CONSTRAINT fieldservice_equipme_order_id_d73e12f5_fk_fieldserv FOREIGN KEY (order_id) REFERENCES public.fieldservice_workorder(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: fieldservice_equipmentrentalcharge fieldservice_equipme_rental_id_a8ddc16f_fk_fieldserv; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fieldservice_equipmentrentalcharge
    ADD CONSTRAINT fieldservice_equipme_rental_id_a8ddc16f_fk_fieldserv FOREIGN KEY (rental_id) REFERENCES public.fieldservice_equipmentrental(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: fieldservice_equipmentrental fieldservice_equipme_subscription_id_6c69ac82_fk_customers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fieldservice_equipmentrental
    ADD CONSTRAINT fieldservice_equipme_subscription_id_6c69ac82_fk_customers FOREIGN KEY (subscription_id) REFERENCES public.customers_subscription(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: fieldservice_equipmentmovement fieldservice_equipme_technician_id_57976bb7_fk_accounts_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fieldservice_equipmentmovement
    ADD CONSTRAINT fieldservice_equipme_technician_id_57976bb7_fk_accounts_ FOREIGN KEY (technician_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: fieldservice_equipmentitem fieldservice_equipme_technician_id_91302752_fk_accounts_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fieldservice_equipmentitem
    ADD CONSTRAINT fieldservice_equipme_technician_id_91302752_fk_accounts_ FOREIGN KEY (technician_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: fieldservice_syncoperation fieldservice_syncope_order_id_0c5ba4a1_fk_fieldserv; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fieldservice_syncoperation
    ADD CONSTRAINT fieldservice_syncope_order_id_0c5ba4a1_fk_fieldserv FOREIGN KEY (order_id) REFERENCES public.fieldservice_workorder(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: fieldservice_syncoperation fieldservice_syncope_technician_id_d2847967_fk_accounts_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fieldservice_syncoperation
    ADD CONSTRAINT fieldservice_syncope_technician_id_d2847967_fk_accounts_ FOREIGN KEY (technician_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: fieldservice_workorderevent fieldservice_workord_actor_id_056a61ea_fk_accounts_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fieldservice_workorderevent
    ADD CONSTRAINT fieldservice_workord_actor_id_056a61ea_fk_accounts_ FOREIGN KEY (actor_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: fieldservice_workorder fieldservice_workord_branch_id_160f1e2d_fk_customers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fieldservice_workorder
    ADD CONSTRAINT fieldservice_workord_branch_id_160f1e2d_fk_customers FOREIGN KEY (branch_id) REFERENCES public.customers_branch(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: fieldservice_workorder fieldservice_workord_created_by_id_a656fe74_fk_accounts_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fieldservice_workorder
    ADD CONSTRAINT fieldservice_workord_created_by_id_a656fe74_fk_accounts_ FOREIGN KEY (created_by_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: fieldservice_workorder fieldservice_workord_customer_id_e644e171_fk_customers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fieldservice_workorder
    ADD CONSTRAINT fieldservice_workord_customer_id_e644e171_fk_customers FOREIGN KEY (customer_id) REFERENCES public.customers_customer(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: fieldservice_workorderphoto fieldservice_workord_order_id_699c6e62_fk_fieldserv; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fieldservice_workorderphoto
    ADD CONSTRAINT fieldservice_workord_order_id_699c6e62_fk_fieldserv FOREIGN KEY (order_id) REFERENCES public.fieldservice_workorder(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: fieldservice_workorderevent fieldservice_workord_order_id_c035fe39_fk_fieldserv; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fieldservice_workorderevent
    ADD CONSTRAINT fieldservice_workord_order_id_c035fe39_fk_fieldserv FOREIGN KEY (order_id) REFERENCES public.fieldservice_workorder(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: fieldservice_workorder fieldservice_workord_override_by_id_cf10f926_fk_accounts_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fieldservice_workorder
    ADD CONSTRAINT fieldservice_workord_override_by_id_cf10f926_fk_accounts_ FOREIGN KEY (override_by_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: fieldservice_workorder fieldservice_workord_subscription_id_b746e735_fk_customers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fieldservice_workorder
    ADD CONSTRAINT fieldservice_workord_subscription_id_b746e735_fk_customers FOREIGN KEY (subscription_id) REFERENCES public.customers_subscription(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: fieldservice_workorder fieldservice_workord_technician_id_f0df6702_fk_accounts_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fieldservice_workorder
    ADD CONSTRAINT fieldservice_workord_technician_id_f0df6702_fk_accounts_ FOREIGN KEY (technician_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: fieldservice_workorderphoto fieldservice_workord_uploaded_by_id_a3299acc_fk_accounts_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fieldservice_workorderphoto
    ADD CONSTRAINT fieldservice_workord_uploaded_by_id_a3299acc_fk_accounts_ FOREIGN KEY (uploaded_by_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: fieldservice_workorder fieldservice_workorder_area_id_9ec78eba_fk_customers_area_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fieldservice_workorder
    ADD CONSTRAINT fieldservice_workorder_area_id_9ec78eba_fk_customers_area_id FOREIGN KEY (area_id) REFERENCES public.customers_area(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: fieldservice_workorder fieldservice_workorder_lead_id_93940de5_fk_customers_lead_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fieldservice_workorder
    ADD CONSTRAINT fieldservice_workorder_lead_id_93940de5_fk_customers_lead_id FOREIGN KEY (lead_id) REFERENCES public.customers_lead(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: fieldservice_workorder fieldservice_workorder_survey_id_99f91b30_fk_tickets_survey_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fieldservice_workorder
    ADD CONSTRAINT fieldservice_workorder_survey_id_99f91b30_fk_tickets_survey_id FOREIGN KEY (survey_id) REFERENCES public.tickets_survey(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: fieldservice_workorder fieldservice_workorder_ticket_id_9bba2bc6_fk_tickets_ticket_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fieldservice_workorder
    ADD CONSTRAINT fieldservice_workorder_ticket_id_9bba2bc6_fk_tickets_ticket_id FOREIGN KEY (ticket_id) REFERENCES public.tickets_ticket(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: imports_importbatch imports_importbatch_created_by_id_8de9c79b_fk_accounts_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.imports_importbatch
    ADD CONSTRAINT imports_importbatch_created_by_id_8de9c79b_fk_accounts_user_id FOREIGN KEY (created_by_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: imports_importbatch imports_importbatch_profile_id_96182a2f_fk_imports_i; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.imports_importbatch
    ADD CONSTRAINT imports_importbatch_profile_id_96182a2f_fk_imports_i FOREIGN KEY (profile_id) REFERENCES public.imports_importprofile(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: imports_importbatch imports_importbatch_router_id_629c5a8c_fk_network_router_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.imports_importbatch
    ADD CONSTRAINT imports_importbatch_router_id_629c5a8c_fk_network_router_id FOREIGN KEY (router_id) REFERENCES public.network_router(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: imports_importbatch imports_importbatch_undone_by_id_3b69124e_fk_accounts_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.imports_importbatch
    ADD CONSTRAINT imports_importbatch_undone_by_id_3b69124e_fk_accounts_user_id FOREIGN KEY (undone_by_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: imports_importprofile imports_importprofil_created_by_id_586b273e_fk_accounts_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.imports_importprofile
    ADD CONSTRAINT imports_importprofil_created_by_id_586b273e_fk_accounts_ FOREIGN KEY (created_by_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: imports_importrow imports_importrow_batch_id_0b8d5349_fk_imports_importbatch_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.imports_importrow
    ADD CONSTRAINT imports_importrow_batch_id_0b8d5349_fk_imports_importbatch_id FOREIGN KEY (batch_id) REFERENCES public.imports_importbatch(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: imports_importrow imports_importrow_customer_id_b86404c9_fk_customers_customer_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.imports_importrow
    ADD CONSTRAINT imports_importrow_customer_id_b86404c9_fk_customers_customer_id FOREIGN KEY (customer_id) REFERENCES public.customers_customer(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: imports_importrow imports_importrow_opening_entry_id_42b8455c_fk_billing_l; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.imports_importrow
    ADD CONSTRAINT imports_importrow_opening_entry_id_42b8455c_fk_billing_l FOREIGN KEY (opening_entry_id) REFERENCES public.billing_ledgerentry(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: imports_importrow imports_importrow_past_payment_id_6ed40a42_fk_payments_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.imports_importrow
    ADD CONSTRAINT imports_importrow_past_payment_id_6ed40a42_fk_payments_ FOREIGN KEY (past_payment_id) REFERENCES public.payments_pastpayment(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: imports_importrow imports_importrow_subscription_id_02d1b00d_fk_customers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.imports_importrow
    ADD CONSTRAINT imports_importrow_subscription_id_02d1b00d_fk_customers FOREIGN KEY (subscription_id) REFERENCES public.customers_subscription(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: network_addressassignment network_addressassig_pool_id_849d5f4e_fk_network_a; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.network_addressassignment
    ADD CONSTRAINT network_addressassig_pool_id_849d5f4e_fk_network_a FOREIGN KEY (pool_id) REFERENCES public.network_addresspool(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: network_addressassignment network_addressassig_router_id_0b0019ae_fk_network_r; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.network_addressassignment
    ADD CONSTRAINT network_addressassig_router_id_0b0019ae_fk_network_r FOREIGN KEY (router_id) REFERENCES public.network_router(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: network_addressassignment network_addressassig_subscription_id_348cf7ec_fk_customers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.network_addressassignment
    ADD CONSTRAINT network_addressassig_subscription_id_348cf7ec_fk_customers FOREIGN KEY (subscription_id) REFERENCES public.customers_subscription(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: network_addresspool network_addresspool_branch_id_36f52828_fk_customers_branch_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.network_addresspool
    ADD CONSTRAINT network_addresspool_branch_id_36f52828_fk_customers_branch_id FOREIGN KEY (branch_id) REFERENCES public.customers_branch(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: network_addresspool network_addresspool_router_id_50ca3f3a_fk_network_router_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.network_addresspool
    ADD CONSTRAINT network_addresspool_router_id_50ca3f3a_fk_network_router_id FOREIGN KEY (router_id) REFERENCES public.network_router(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: network_driftreport network_driftreport_requested_by_id_b5d8497d_fk_accounts_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.network_driftreport
    ADD CONSTRAINT network_driftreport_requested_by_id_b5d8497d_fk_accounts_ FOREIGN KEY (requested_by_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: network_driftreport network_driftreport_router_id_227ce40e_fk_network_router_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.network_driftreport
    ADD CONSTRAINT network_driftreport_router_id_227ce40e_fk_network_router_id FOREIGN KEY (router_id) REFERENCES public.network_router(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: network_fupstate network_fupstate_lifted_by_id_6df4c2d5_fk_accounts_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.network_fupstate
    ADD CONSTRAINT network_fupstate_lifted_by_id_6df4c2d5_fk_accounts_user_id FOREIGN KEY (lifted_by_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: network_fupstate network_fupstate_subscription_id_1da9d37a_fk_customers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.network_fupstate
    ADD CONSTRAINT network_fupstate_subscription_id_1da9d37a_fk_customers FOREIGN KEY (subscription_id) REFERENCES public.customers_subscription(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: network_outage_areas network_outage_areas_area_id_cc706b54_fk_customers_area_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.network_outage_areas
    ADD CONSTRAINT network_outage_areas_area_id_cc706b54_fk_customers_area_id FOREIGN KEY (area_id) REFERENCES public.customers_area(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: network_outage_areas network_outage_areas_outage_id_5d4e1445_fk_network_outage_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.network_outage_areas
    ADD CONSTRAINT network_outage_areas_outage_id_5d4e1445_fk_network_outage_id FOREIGN KEY (outage_id) REFERENCES public.network_outage(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: network_outage network_outage_declared_by_id_6ea39fef_fk_accounts_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.network_outage
    ADD CONSTRAINT network_outage_declared_by_id_6ea39fef_fk_accounts_user_id FOREIGN KEY (declared_by_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: network_outage network_outage_down_period_id_56f61727_fk_network_r; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.network_outage
    ADD CONSTRAINT network_outage_down_period_id_56f61727_fk_network_r FOREIGN KEY (down_period_id) REFERENCES public.network_routerdownperiod(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: network_outage_routers network_outage_routers_outage_id_23cb069a_fk_network_outage_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.network_outage_routers
    ADD CONSTRAINT network_outage_routers_outage_id_23cb069a_fk_network_outage_id FOREIGN KEY (outage_id) REFERENCES public.network_outage(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: network_outage_routers network_outage_routers_router_id_78951916_fk_network_router_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.network_outage_routers
    ADD CONSTRAINT network_outage_routers_router_id_78951916_fk_network_router_id FOREIGN KEY (router_id) REFERENCES public.network_router(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: network_outagebroadcast network_outagebroadc_update_id_15e52132_fk_network_o; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.network_outagebroadcast
    ADD CONSTRAINT network_outagebroadc_update_id_15e52132_fk_network_o FOREIGN KEY (update_id) REFERENCES public.network_outageupdate(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: network_outagebroadcast network_outagebroadcast_outage_id_ad4ea1df_fk_network_outage_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.network_outagebroadcast
    ADD CONSTRAINT network_outagebroadcast_outage_id_ad4ea1df_fk_network_outage_id FOREIGN KEY (outage_id) REFERENCES public.network_outage(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: network_outageupdate network_outageupdate_created_by_id_7988132f_fk_accounts_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.network_outageupdate
    ADD CONSTRAINT network_outageupdate_created_by_id_7988132f_fk_accounts_user_id FOREIGN KEY (created_by_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: network_outageupdate network_outageupdate_outage_id_619081ca_fk_network_outage_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.network_outageupdate
    ADD CONSTRAINT network_outageupdate_outage_id_619081ca_fk_network_outage_id FOREIGN KEY (outage_id) REFERENCES public.network_outage(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: network_provisioningtask network_provisioning_created_by_id_b81cd56d_fk_accounts_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.network_provisioningtask
    ADD CONSTRAINT network_provisioning_created_by_id_b81cd56d_fk_accounts_ FOREIGN KEY (created_by_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: network_provisioningtask network_provisioning_router_id_1871ab1a_fk_network_r; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.network_provisioningtask
    ADD CONSTRAINT network_provisioning_router_id_1871ab1a_fk_network_r FOREIGN KEY (router_id) REFERENCES public.network_router(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: network_provisioningtask network_provisioning_subscription_id_c26cf125_fk_customers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.network_provisioningtask
    ADD CONSTRAINT network_provisioning_subscription_id_c26cf125_fk_customers FOREIGN KEY (subscription_id) REFERENCES public.customers_subscription(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: network_router_areas network_router_areas_area_id_d7072d42_fk_customers_area_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.network_router_areas
    ADD CONSTRAINT network_router_areas_area_id_d7072d42_fk_customers_area_id FOREIGN KEY (area_id) REFERENCES public.customers_area(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: network_router_areas network_router_areas_router_id_474c19fd_fk_network_router_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.network_router_areas
    ADD CONSTRAINT network_router_areas_router_id_474c19fd_fk_network_router_id FOREIGN KEY (router_id) REFERENCES public.network_router(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: network_router network_router_branch_id_496cc6af_fk_customers_branch_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.network_router
    ADD CONSTRAINT network_router_branch_id_496cc6af_fk_customers_branch_id FOREIGN KEY (branch_id) REFERENCES public.customers_branch(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: network_routerdownperiod network_routerdownpe_router_id_e6ee707b_fk_network_r; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.network_routerdownperiod
    ADD CONSTRAINT network_routerdownpe_router_id_e6ee707b_fk_network_r FOREIGN KEY (router_id) REFERENCES public.network_router(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: network_speedboundaryrun network_speedboundar_router_id_09f84ba3_fk_network_r; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.network_speedboundaryrun
    ADD CONSTRAINT network_speedboundar_router_id_09f84ba3_fk_network_r FOREIGN KEY (router_id) REFERENCES public.network_router(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: network_usagedaily network_usagedaily_subscription_id_9c9c0dc3_fk_customers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.network_usagedaily
    ADD CONSTRAINT network_usagedaily_subscription_id_9c9c0dc3_fk_customers FOREIGN KEY (subscription_id) REFERENCES public.customers_subscription(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: network_usagehourly network_usagehourly_subscription_id_95c8376c_fk_customers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.network_usagehourly
    ADD CONSTRAINT network_usagehourly_subscription_id_95c8376c_fk_customers FOREIGN KEY (subscription_id) REFERENCES public.customers_subscription(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: network_usagepoll network_usagepoll_router_id_be7b7a07_fk_network_router_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.network_usagepoll
    ADD CONSTRAINT network_usagepoll_router_id_be7b7a07_fk_network_router_id FOREIGN KEY (router_id) REFERENCES public.network_router(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: network_usagesample network_usagesample_router_id_ade98b68_fk_network_router_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.network_usagesample
    ADD CONSTRAINT network_usagesample_router_id_ade98b68_fk_network_router_id FOREIGN KEY (router_id) REFERENCES public.network_router(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: network_usagesample network_usagesample_subscription_id_d424131b_fk_customers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.network_usagesample
    ADD CONSTRAINT network_usagesample_subscription_id_d424131b_fk_customers FOREIGN KEY (subscription_id) REFERENCES public.customers_subscription(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: notify_message notify_message_content_type_id_a0e0b721_fk_django_co; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.notify_message
    ADD CONSTRAINT notify_message_content_type_id_a0e0b721_fk_django_co FOREIGN KEY (content_type_id) REFERENCES public.django_content_type(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: notify_message notify_message_customer_id_0496a687_fk_customers_customer_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.notify_message
    ADD CONSTRAINT notify_message_customer_id_0496a687_fk_customers_customer_id FOREIGN KEY (customer_id) REFERENCES public.customers_customer(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: notify_message notify_message_template_id_cb1dcc8d_fk_notify_me; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.notify_message
    ADD CONSTRAINT notify_message_template_id_cb1dcc8d_fk_notify_me FOREIGN KEY (template_id) REFERENCES public.notify_messagetemplate(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: notify_messagetemplate notify_messagetempla_updated_by_id_7986c9b4_fk_accounts_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.notify_messagetemplate
    ADD CONSTRAINT notify_messagetempla_updated_by_id_7986c9b4_fk_accounts_ FOREIGN KEY (updated_by_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: notify_notificationpreference notify_notificationp_customer_id_773fe4e5_fk_customers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.notify_notificationpreference
    ADD CONSTRAINT notify_notificationp_customer_id_773fe4e5_fk_customers FOREIGN KEY (customer_id) REFERENCES public.customers_customer(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: payments_autopay payments_autopay_customer_id_20b3e6f2_fk_customers_customer_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_autopay
    ADD CONSTRAINT payments_autopay_customer_id_20b3e6f2_fk_customers_customer_id FOREIGN KEY (customer_id) REFERENCES public.customers_customer(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: payments_autopayattempt payments_autopayatte_customer_id_8d672b92_fk_customers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_autopayattempt
    ADD CONSTRAINT payments_autopayatte_customer_id_8d672b92_fk_customers FOREIGN KEY (customer_id) REFERENCES public.customers_customer(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: payments_autopayattempt payments_autopayatte_gateway_payment_id_306f1bf0_fk_payments_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_autopayattempt
    ADD CONSTRAINT payments_autopayatte_gateway_payment_id_306f1bf0_fk_payments_ FOREIGN KEY (gateway_payment_id) REFERENCES public.payments_gatewaypayment(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: payments_autopayattempt payments_autopayatte_invoice_id_fc1cca8c_fk_billing_i; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_autopayattempt
    ADD CONSTRAINT payments_autopayatte_invoice_id_fc1cca8c_fk_billing_i FOREIGN KEY (invoice_id) REFERENCES public.billing_invoice(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: payments_bkashagreement payments_bkashagreem_customer_id_4d2131bc_fk_customers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_bkashagreement
    ADD CONSTRAINT payments_bkashagreem_customer_id_4d2131bc_fk_customers FOREIGN KEY (customer_id) REFERENCES public.customers_customer(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: payments_bkashsettings_branches payments_bkashsettin_bkashsettings_id_6a6ad5a7_fk_payments_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_bkashsettings_branches
    ADD CONSTRAINT payments_bkashsettin_bkashsettings_id_6a6ad5a7_fk_payments_ FOREIGN KEY (bkashsettings_id) REFERENCES public.payments_bkashsettings(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: payments_bkashsettings_branches payments_bkashsettin_branch_id_0055ddc2_fk_customers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_bkashsettings_branches
    ADD CONSTRAINT payments_bkashsettin_branch_id_0055ddc2_fk_customers FOREIGN KEY (branch_id) REFERENCES public.customers_branch(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: payments_bkashsettings payments_bkashsettin_updated_by_id_c809843e_fk_accounts_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_bkashsettings
    ADD CONSTRAINT payments_bkashsettin_updated_by_id_c809843e_fk_accounts_ FOREIGN KEY (updated_by_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: payments_cashhandover payments_cashhandove_received_by_id_48d03bfd_fk_accounts_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_cashhandover
    ADD CONSTRAINT payments_cashhandove_received_by_id_48d03bfd_fk_accounts_ FOREIGN KEY (received_by_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: payments_cashhandover payments_cashhandover_branch_id_a0df2498_fk_customers_branch_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_cashhandover
    ADD CONSTRAINT payments_cashhandover_branch_id_a0df2498_fk_customers_branch_id FOREIGN KEY (branch_id) REFERENCES public.customers_branch(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: payments_cashhandover payments_cashhandover_collector_id_58ec0329_fk_accounts_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_cashhandover
    ADD CONSTRAINT payments_cashhandover_collector_id_58ec0329_fk_accounts_user_id FOREIGN KEY (collector_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: payments_gatewayevent payments_gatewayeven_gateway_payment_id_fdd51ad5_fk_payments_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_gatewayevent
    ADD CONSTRAINT payments_gatewayeven_gateway_payment_id_fdd51ad5_fk_payments_ FOREIGN KEY (gateway_payment_id) REFERENCES public.payments_gatewaypayment(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: payments_gatewaypayment payments_gatewaypaym_agreement_id_e0fb709d_fk_payments_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_gatewaypayment
    ADD CONSTRAINT payments_gatewaypaym_agreement_id_e0fb709d_fk_payments_ FOREIGN KEY (agreement_id) REFERENCES public.payments_bkashagreement(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: payments_gatewaypayment payments_gatewaypaym_card_sale_id_055683ad_fk_billing_c; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_gatewaypayment
    ADD CONSTRAINT payments_gatewaypaym_card_sale_id_055683ad_fk_billing_c FOREIGN KEY (card_sale_id) REFERENCES public.billing_cardsale(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: payments_gatewaypayment payments_gatewaypaym_customer_id_c7597c72_fk_customers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_gatewaypayment
    ADD CONSTRAINT payments_gatewaypaym_customer_id_c7597c72_fk_customers FOREIGN KEY (customer_id) REFERENCES public.customers_customer(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: payments_gatewaypayment payments_gatewaypaym_fee_entry_id_a6857905_fk_billing_l; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_gatewaypayment
    ADD CONSTRAINT payments_gatewaypaym_fee_entry_id_a6857905_fk_billing_l FOREIGN KEY (fee_entry_id) REFERENCES public.billing_ledgerentry(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: payments_gatewaypayment_invoices payments_gatewaypaym_gatewaypayment_id_90044499_fk_payments_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_gatewaypayment_invoices
    ADD CONSTRAINT payments_gatewaypaym_gatewaypayment_id_90044499_fk_payments_ FOREIGN KEY (gatewaypayment_id) REFERENCES public.payments_gatewaypayment(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: payments_gatewaypayment_invoices payments_gatewaypaym_invoice_id_eb50ba58_fk_billing_i; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_gatewaypayment_invoices
    ADD CONSTRAINT payments_gatewaypaym_invoice_id_eb50ba58_fk_billing_i FOREIGN KEY (invoice_id) REFERENCES public.billing_invoice(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: payments_gatewaypayment payments_gatewaypaym_payment_id_32377d45_fk_payments_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_gatewaypayment
    ADD CONSTRAINT payments_gatewaypaym_payment_id_32377d45_fk_payments_ FOREIGN KEY (payment_id) REFERENCES public.payments_payment(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: payments_gatewaypayment payments_gatewaypaym_reviewed_by_id_d216a5f2_fk_accounts_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_gatewaypayment
    ADD CONSTRAINT payments_gatewaypaym_reviewed_by_id_d216a5f2_fk_accounts_ FOREIGN KEY (reviewed_by_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: payments_gatewayrefund payments_gatewayrefu_gateway_payment_id_6f353bbe_fk_payments_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_gatewayrefund
    ADD CONSTRAINT payments_gatewayrefu_gateway_payment_id_6f353bbe_fk_payments_ FOREIGN KEY (gateway_payment_id) REFERENCES public.payments_gatewaypayment(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: payments_gatewayrefund payments_gatewayrefu_ledger_entry_id_ad880be7_fk_billing_l; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_gatewayrefund
    ADD CONSTRAINT payments_gatewayrefu_ledger_entry_id_ad880be7_fk_billing_l FOREIGN KEY (ledger_entry_id) REFERENCES public.billing_ledgerentry(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: payments_gatewayrefund payments_gatewayrefu_requested_by_id_d1a0df37_fk_accounts_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_gatewayrefund
    ADD CONSTRAINT payments_gatewayrefu_requested_by_id_d1a0df37_fk_accounts_ FOREIGN KEY (requested_by_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: payments_gatewaysettings_branches payments_gatewaysett_branch_id_e83f8453_fk_customers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_gatewaysettings_branches
    ADD CONSTRAINT payments_gatewaysett_branch_id_e83f8453_fk_customers FOREIGN KEY (branch_id) REFERENCES public.customers_branch(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: payments_gatewaysettings_branches payments_gatewaysett_gatewaysettings_id_1a5895ec_fk_payments_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_gatewaysettings_branches
    ADD CONSTRAINT payments_gatewaysett_gatewaysettings_id_1a5895ec_fk_payments_ FOREIGN KEY (gatewaysettings_id) REFERENCES public.payments_gatewaysettings(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: payments_gatewaysettings payments_gatewaysett_updated_by_id_0d4c4ed0_fk_accounts_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_gatewaysettings
    ADD CONSTRAINT payments_gatewaysett_updated_by_id_0d4c4ed0_fk_accounts_ FOREIGN KEY (updated_by_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: payments_gatewaystatementline payments_gatewaystat_statement_id_92f1dcf7_fk_payments_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_gatewaystatementline
    ADD CONSTRAINT payments_gatewaystat_statement_id_92f1dcf7_fk_payments_ FOREIGN KEY (statement_id) REFERENCES public.payments_gatewaystatement(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: payments_gatewaystatement payments_gatewaystat_uploaded_by_id_5e940b3f_fk_accounts_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_gatewaystatement
    ADD CONSTRAINT payments_gatewaystat_uploaded_by_id_5e940b3f_fk_accounts_ FOREIGN KEY (uploaded_by_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: payments_nagadsettings_branches payments_nagadsettin_branch_id_49f0b703_fk_customers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_nagadsettings_branches
    ADD CONSTRAINT payments_nagadsettin_branch_id_49f0b703_fk_customers FOREIGN KEY (branch_id) REFERENCES public.customers_branch(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: payments_nagadsettings_branches payments_nagadsettin_nagadsettings_id_fae06628_fk_payments_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_nagadsettings_branches
    ADD CONSTRAINT payments_nagadsettin_nagadsettings_id_fae06628_fk_payments_ FOREIGN KEY (nagadsettings_id) REFERENCES public.payments_nagadsettings(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: payments_nagadsettings payments_nagadsettin_updated_by_id_485cb01a_fk_accounts_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_nagadsettings
    ADD CONSTRAINT payments_nagadsettin_updated_by_id_485cb01a_fk_accounts_ FOREIGN KEY (updated_by_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: payments_pastpayment payments_pastpayment_customer_id_0ae176f6_fk_customers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_pastpayment
    ADD CONSTRAINT payments_pastpayment_customer_id_0ae176f6_fk_customers FOREIGN KEY (customer_id) REFERENCES public.customers_customer(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: payments_payment payments_payment_customer_id_8b4d6141_fk_customers_customer_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_payment
    ADD CONSTRAINT payments_payment_customer_id_8b4d6141_fk_customers_customer_id FOREIGN KEY (customer_id) REFERENCES public.customers_customer(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: payments_payment payments_payment_received_by_id_39c5a844_fk_accounts_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_payment
    ADD CONSTRAINT payments_payment_received_by_id_39c5a844_fk_accounts_user_id FOREIGN KEY (received_by_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: payments_payment payments_payment_reseller_id_e0a1c6c3_fk_resellers_reseller_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_payment
    ADD CONSTRAINT payments_payment_reseller_id_e0a1c6c3_fk_resellers_reseller_id FOREIGN KEY (reseller_id) REFERENCES public.resellers_reseller(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: payments_queuedpayment payments_queuedpayme_customer_id_2dbbc473_fk_customers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_queuedpayment
    ADD CONSTRAINT payments_queuedpayme_customer_id_2dbbc473_fk_customers FOREIGN KEY (customer_id) REFERENCES public.customers_customer(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: payments_queuedpayment payments_queuedpayme_payment_id_4fcd2f13_fk_payments_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_queuedpayment
    ADD CONSTRAINT payments_queuedpayme_payment_id_4fcd2f13_fk_payments_ FOREIGN KEY (payment_id) REFERENCES public.payments_payment(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: payments_reconciliationitem payments_reconciliat_gateway_payment_id_e662f833_fk_payments_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_reconciliationitem
    ADD CONSTRAINT payments_reconciliat_gateway_payment_id_e662f833_fk_payments_ FOREIGN KEY (gateway_payment_id) REFERENCES public.payments_gatewaypayment(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: payments_reconciliationitem payments_reconciliat_payment_id_2d7a4eb7_fk_payments_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_reconciliationitem
    ADD CONSTRAINT payments_reconciliat_payment_id_2d7a4eb7_fk_payments_ FOREIGN KEY (payment_id) REFERENCES public.payments_payment(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: payments_reconciliationitem payments_reconciliat_resolved_by_id_d9ea2410_fk_accounts_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_reconciliationitem
    ADD CONSTRAINT payments_reconciliat_resolved_by_id_d9ea2410_fk_accounts_ FOREIGN KEY (resolved_by_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: payments_reconciliationrun payments_reconciliat_started_by_id_6a50b70b_fk_accounts_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_reconciliationrun
    ADD CONSTRAINT payments_reconciliat_started_by_id_6a50b70b_fk_accounts_ FOREIGN KEY (started_by_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: payments_reconciliationrun payments_reconciliat_statement_id_63ebbbe1_fk_payments_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_reconciliationrun
    ADD CONSTRAINT payments_reconciliat_statement_id_63ebbbe1_fk_payments_ FOREIGN KEY (statement_id) REFERENCES public.payments_gatewaystatement(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: payments_vdsdeduction payments_vdsdeductio_certificate_recorded_5ebcc25c_fk_accounts_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_vdsdeduction
    ADD CONSTRAINT payments_vdsdeductio_certificate_recorded_5ebcc25c_fk_accounts_ FOREIGN KEY (certificate_recorded_by_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: payments_vdsdeduction payments_vdsdeductio_created_by_id_d8dbfdee_fk_accounts_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_vdsdeduction
    ADD CONSTRAINT payments_vdsdeductio_created_by_id_d8dbfdee_fk_accounts_ FOREIGN KEY (created_by_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: payments_vdsdeduction payments_vdsdeductio_customer_id_31773511_fk_customers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_vdsdeduction
    ADD CONSTRAINT payments_vdsdeductio_customer_id_31773511_fk_customers FOREIGN KEY (customer_id) REFERENCES public.customers_customer(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: payments_vdsdeduction payments_vdsdeductio_payment_id_a65ebfa9_fk_payments_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_vdsdeduction
    ADD CONSTRAINT payments_vdsdeductio_payment_id_a65ebfa9_fk_payments_ FOREIGN KEY (payment_id) REFERENCES public.payments_payment(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: payments_vdsdeduction payments_vdsdeduction_invoice_id_9290541e_fk_billing_invoice_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payments_vdsdeduction
    ADD CONSTRAINT payments_vdsdeduction_invoice_id_9290541e_fk_billing_invoice_id FOREIGN KEY (invoice_id) REFERENCES public.billing_invoice(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: radius_bad_secret_drop radius_bad_secret_drop_router_id_7985ab7f_fk_network_router_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.radius_bad_secret_drop
    ADD CONSTRAINT radius_bad_secret_drop_router_id_7985ab7f_fk_network_router_id FOREIGN KEY (router_id) REFERENCES public.network_router(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: radius_packageradius radius_packageradius_package_id_d6ddbdf0_fk_customers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.radius_packageradius
    ADD CONSTRAINT radius_packageradius_package_id_d6ddbdf0_fk_customers FOREIGN KEY (package_id) REFERENCES public.customers_package(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: resellers_commissionstatement resellers_commission_closed_by_id_5f41a096_fk_accounts_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resellers_commissionstatement
    ADD CONSTRAINT resellers_commission_closed_by_id_5f41a096_fk_accounts_ FOREIGN KEY (closed_by_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: resellers_commissionrule resellers_commission_package_id_00760344_fk_customers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resellers_commissionrule
    ADD CONSTRAINT resellers_commission_package_id_00760344_fk_customers FOREIGN KEY (package_id) REFERENCES public.customers_package(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: resellers_commissionstatement resellers_commission_reseller_id_f4f67c42_fk_resellers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resellers_commissionstatement
    ADD CONSTRAINT resellers_commission_reseller_id_f4f67c42_fk_resellers FOREIGN KEY (reseller_id) REFERENCES public.resellers_reseller(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: resellers_commissionrule resellers_commission_reseller_id_f92b731f_fk_resellers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resellers_commissionrule
    ADD CONSTRAINT resellers_commission_reseller_id_f92b731f_fk_resellers FOREIGN KEY (reseller_id) REFERENCES public.resellers_reseller(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: resellers_payout resellers_payout_decided_by_id_1a6e8bf1_fk_accounts_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resellers_payout
    ADD CONSTRAINT resellers_payout_decided_by_id_1a6e8bf1_fk_accounts_user_id FOREIGN KEY (decided_by_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: resellers_payout resellers_payout_entry_id_16904d5b_fk_billing_c; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resellers_payout
    ADD CONSTRAINT resellers_payout_entry_id_16904d5b_fk_billing_c FOREIGN KEY (entry_id) REFERENCES public.billing_commissionentry(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: resellers_payout resellers_payout_requested_by_id_e2cc5f90_fk_accounts_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resellers_payout
    ADD CONSTRAINT resellers_payout_requested_by_id_e2cc5f90_fk_accounts_user_id FOREIGN KEY (requested_by_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: resellers_payout resellers_payout_reseller_id_34443c00_fk_resellers_reseller_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resellers_payout
    ADD CONSTRAINT resellers_payout_reseller_id_34443c00_fk_resellers_reseller_id FOREIGN KEY (reseller_id) REFERENCES public.resellers_reseller(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: resellers_renewal resellers_renewal_created_by_id_a3f73413_fk_accounts_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resellers_renewal
    ADD CONSTRAINT resellers_renewal_created_by_id_a3f73413_fk_accounts_user_id FOREIGN KEY (created_by_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: resellers_renewal resellers_renewal_entry_id_622a2643_fk_billing_walletentry_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resellers_renewal
    ADD CONSTRAINT resellers_renewal_entry_id_622a2643_fk_billing_walletentry_id FOREIGN KEY (entry_id) REFERENCES public.billing_walletentry(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: resellers_renewal resellers_renewal_invoice_id_f8936c67_fk_billing_invoice_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resellers_renewal
    ADD CONSTRAINT resellers_renewal_invoice_id_f8936c67_fk_billing_invoice_id FOREIGN KEY (invoice_id) REFERENCES public.billing_invoice(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: resellers_renewal resellers_renewal_parent_entry_id_d0502098_fk_billing_w; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resellers_renewal
    ADD CONSTRAINT resellers_renewal_parent_entry_id_d0502098_fk_billing_w FOREIGN KEY (parent_entry_id) REFERENCES public.billing_walletentry(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: resellers_renewal resellers_renewal_payment_id_883f815a_fk_payments_payment_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resellers_renewal
    ADD CONSTRAINT resellers_renewal_payment_id_883f815a_fk_payments_payment_id FOREIGN KEY (payment_id) REFERENCES public.payments_payment(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: resellers_renewal resellers_renewal_reseller_id_6234890d_fk_resellers_reseller_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resellers_renewal
    ADD CONSTRAINT resellers_renewal_reseller_id_6234890d_fk_resellers_reseller_id FOREIGN KEY (reseller_id) REFERENCES public.resellers_reseller(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: resellers_renewal resellers_renewal_subscription_id_17dcc692_fk_customers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resellers_renewal
    ADD CONSTRAINT resellers_renewal_subscription_id_17dcc692_fk_customers FOREIGN KEY (subscription_id) REFERENCES public.customers_subscription(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: resellers_reseller_areas resellers_reseller_a_reseller_id_84475106_fk_resellers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resellers_reseller_areas
    ADD CONSTRAINT resellers_reseller_a_reseller_id_84475106_fk_resellers FOREIGN KEY (reseller_id) REFERENCES public.resellers_reseller(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: resellers_reseller_areas resellers_reseller_areas_area_id_61fd6305_fk_customers_area_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resellers_reseller_areas
    ADD CONSTRAINT resellers_reseller_areas_area_id_61fd6305_fk_customers_area_id FOREIGN KEY (area_id) REFERENCES public.customers_area(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: resellers_reseller resellers_reseller_branch_id_5cbbdafe_fk_customers_branch_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resellers_reseller
    ADD CONSTRAINT resellers_reseller_branch_id_5cbbdafe_fk_customers_branch_id FOREIGN KEY (branch_id) REFERENCES public.customers_branch(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: resellers_reseller resellers_reseller_parent_id_5072e308_fk_resellers_reseller_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resellers_reseller
    ADD CONSTRAINT resellers_reseller_parent_id_5072e308_fk_resellers_reseller_id FOREIGN KEY (parent_id) REFERENCES public.resellers_reseller(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: resellers_reseller resellers_reseller_user_id_316a9bc4_fk_accounts_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resellers_reseller
    ADD CONSTRAINT resellers_reseller_user_id_316a9bc4_fk_accounts_user_id FOREIGN KEY (user_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: resellers_resellerlogin resellers_resellerlo_reseller_id_79ed023f_fk_resellers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resellers_resellerlogin
    ADD CONSTRAINT resellers_resellerlo_reseller_id_79ed023f_fk_resellers FOREIGN KEY (reseller_id) REFERENCES public.resellers_reseller(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: resellers_resellerlogin resellers_resellerlogin_user_id_69e357d2_fk_accounts_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resellers_resellerlogin
    ADD CONSTRAINT resellers_resellerlogin_user_id_69e357d2_fk_accounts_user_id FOREIGN KEY (user_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: resellers_resellerpackage resellers_resellerpa_package_id_61c6b84f_fk_customers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resellers_resellerpackage
    ADD CONSTRAINT resellers_resellerpa_package_id_61c6b84f_fk_customers FOREIGN KEY (package_id) REFERENCES public.customers_package(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: resellers_resellerpackage resellers_resellerpa_reseller_id_914e25a0_fk_resellers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.resellers_resellerpackage
    ADD CONSTRAINT resellers_resellerpa_reseller_id_914e25a0_fk_resellers FOREIGN KEY (reseller_id) REFERENCES public.resellers_reseller(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: tickets_survey tickets_survey_agent_id_26cffc67_fk_accounts_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tickets_survey
    ADD CONSTRAINT tickets_survey_agent_id_26cffc67_fk_accounts_user_id FOREIGN KEY (agent_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: tickets_survey tickets_survey_branch_id_5305feb1_fk_customers_branch_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tickets_survey
    ADD CONSTRAINT tickets_survey_branch_id_5305feb1_fk_customers_branch_id FOREIGN KEY (branch_id) REFERENCES public.customers_branch(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: tickets_survey tickets_survey_customer_id_edc57293_fk_customers_customer_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tickets_survey
    ADD CONSTRAINT tickets_survey_customer_id_edc57293_fk_customers_customer_id FOREIGN KEY (customer_id) REFERENCES public.customers_customer(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: tickets_survey tickets_survey_ticket_id_c60c496f_fk_tickets_ticket_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tickets_survey
    ADD CONSTRAINT tickets_survey_ticket_id_c60c496f_fk_tickets_ticket_id FOREIGN KEY (ticket_id) REFERENCES public.tickets_ticket(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: tickets_ticket tickets_ticket_area_id_9fdd5afd_fk_customers_area_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tickets_ticket
    ADD CONSTRAINT tickets_ticket_area_id_9fdd5afd_fk_customers_area_id FOREIGN KEY (area_id) REFERENCES public.customers_area(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: tickets_ticket tickets_ticket_assignee_id_3a5aa407_fk_accounts_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tickets_ticket
    ADD CONSTRAINT tickets_ticket_assignee_id_3a5aa407_fk_accounts_user_id FOREIGN KEY (assignee_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: tickets_ticket tickets_ticket_branch_id_5773ac24_fk_customers_branch_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tickets_ticket
    ADD CONSTRAINT tickets_ticket_branch_id_5773ac24_fk_customers_branch_id FOREIGN KEY (branch_id) REFERENCES public.customers_branch(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: tickets_ticket tickets_ticket_created_by_id_c418a145_fk_accounts_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tickets_ticket
    ADD CONSTRAINT tickets_ticket_created_by_id_c418a145_fk_accounts_user_id FOREIGN KEY (created_by_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: tickets_ticket tickets_ticket_customer_id_f2d9135a_fk_customers_customer_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tickets_ticket
    ADD CONSTRAINT tickets_ticket_customer_id_f2d9135a_fk_customers_customer_id FOREIGN KEY (customer_id) REFERENCES public.customers_customer(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: tickets_ticketcomment tickets_ticketcomment_author_id_b65344b0_fk_accounts_user_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tickets_ticketcomment
    ADD CONSTRAINT tickets_ticketcomment_author_id_b65344b0_fk_accounts_user_id FOREIGN KEY (author_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: tickets_ticketcomment tickets_ticketcomment_ticket_id_ef1ee786_fk_tickets_ticket_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tickets_ticketcomment
    ADD CONSTRAINT tickets_ticketcomment_ticket_id_ef1ee786_fk_tickets_ticket_id FOREIGN KEY (ticket_id) REFERENCES public.tickets_ticket(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: vouchers_batchcodes vouchers_batchcodes_batch_id_a6dc0641_fk_vouchers_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.vouchers_batchcodes
    ADD CONSTRAINT vouchers_batchcodes_batch_id_a6dc0641_fk_vouchers_ FOREIGN KEY (batch_id) REFERENCES public.vouchers_voucherbatch(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: vouchers_cardsession vouchers_cardsession_card_id_4d5b7219_fk_vouchers_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.vouchers_cardsession
    ADD CONSTRAINT vouchers_cardsession_card_id_4d5b7219_fk_vouchers_ FOREIGN KEY (card_id) REFERENCES public.vouchers_vouchercard(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: vouchers_voucherbatch vouchers_voucherbatc_created_by_id_05744ff9_fk_accounts_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.vouchers_voucherbatch
    ADD CONSTRAINT vouchers_voucherbatc_created_by_id_05744ff9_fk_accounts_ FOREIGN KEY (created_by_id) REFERENCES public.accounts_user(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: vouchers_voucherbatch vouchers_voucherbatc_distributor_id_8419bb90_fk_resellers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.vouchers_voucherbatch
    ADD CONSTRAINT vouchers_voucherbatc_distributor_id_8419bb90_fk_resellers FOREIGN KEY (distributor_id) REFERENCES public.resellers_reseller(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: vouchers_voucherbatch vouchers_voucherbatc_plan_id_e76e857d_fk_vouchers_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.vouchers_voucherbatch
    ADD CONSTRAINT vouchers_voucherbatc_plan_id_e76e857d_fk_vouchers_ FOREIGN KEY (plan_id) REFERENCES public.vouchers_voucherplan(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: vouchers_voucherbatch vouchers_voucherbatc_refund_entry_id_a4a0b1ad_fk_billing_w; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.vouchers_voucherbatch
    ADD CONSTRAINT vouchers_voucherbatc_refund_entry_id_a4a0b1ad_fk_billing_w FOREIGN KEY (refund_entry_id) REFERENCES public.billing_walletentry(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: vouchers_voucherbatch vouchers_voucherbatc_wallet_entry_id_3d69c2ee_fk_billing_w; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.vouchers_voucherbatch
    ADD CONSTRAINT vouchers_voucherbatc_wallet_entry_id_3d69c2ee_fk_billing_w FOREIGN KEY (wallet_entry_id) REFERENCES public.billing_walletentry(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: vouchers_voucherbatch vouchers_voucherbatch_zone_id_2d983607_fk_vouchers_wifizone_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.vouchers_voucherbatch
    ADD CONSTRAINT vouchers_voucherbatch_zone_id_2d983607_fk_vouchers_wifizone_id FOREIGN KEY (zone_id) REFERENCES public.vouchers_wifizone(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: vouchers_vouchercard vouchers_vouchercard_batch_id_ec3b5471_fk_vouchers_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.vouchers_vouchercard
    ADD CONSTRAINT vouchers_vouchercard_batch_id_ec3b5471_fk_vouchers_ FOREIGN KEY (batch_id) REFERENCES public.vouchers_voucherbatch(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: vouchers_vouchercard vouchers_vouchercard_redeemed_customer_id_a314ef38_fk_customers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.vouchers_vouchercard
    ADD CONSTRAINT vouchers_vouchercard_redeemed_customer_id_a314ef38_fk_customers FOREIGN KEY (redeemed_customer_id) REFERENCES public.customers_customer(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: vouchers_vouchercard vouchers_vouchercard_redeemed_payment_id_71d24851_fk_payments_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.vouchers_vouchercard
    ADD CONSTRAINT vouchers_vouchercard_redeemed_payment_id_71d24851_fk_payments_ FOREIGN KEY (redeemed_payment_id) REFERENCES public.payments_payment(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: vouchers_vouchercard vouchers_vouchercard_used_zone_id_1a9978e2_fk_vouchers_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.vouchers_vouchercard
    ADD CONSTRAINT vouchers_vouchercard_used_zone_id_1a9978e2_fk_vouchers_ FOREIGN KEY (used_zone_id) REFERENCES public.vouchers_wifizone(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: vouchers_voucherplan vouchers_voucherplan_speed_package_id_3865e797_fk_customers; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.vouchers_voucherplan
    ADD CONSTRAINT vouchers_voucherplan_speed_package_id_3865e797_fk_customers FOREIGN KEY (speed_package_id) REFERENCES public.customers_package(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: vouchers_wifipurchase vouchers_wifipurchas_card_id_f3e5c4f3_fk_vouchers_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.vouchers_wifipurchase
    ADD CONSTRAINT vouchers_wifipurchas_card_id_f3e5c4f3_fk_vouchers_ FOREIGN KEY (card_id) REFERENCES public.vouchers_vouchercard(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: vouchers_wifipurchase vouchers_wifipurchas_gateway_payment_id_29aaaf39_fk_payments_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.vouchers_wifipurchase
    ADD CONSTRAINT vouchers_wifipurchas_gateway_payment_id_29aaaf39_fk_payments_ FOREIGN KEY (gateway_payment_id) REFERENCES public.payments_gatewaypayment(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: vouchers_wifipurchase vouchers_wifipurchas_plan_id_17dca131_fk_vouchers_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.vouchers_wifipurchase
    ADD CONSTRAINT vouchers_wifipurchas_plan_id_17dca131_fk_vouchers_ FOREIGN KEY (plan_id) REFERENCES public.vouchers_voucherplan(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: vouchers_wifipurchase vouchers_wifipurchase_zone_id_786ef0ba_fk_vouchers_wifizone_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.vouchers_wifipurchase
    ADD CONSTRAINT vouchers_wifipurchase_zone_id_786ef0ba_fk_vouchers_wifizone_id FOREIGN KEY (zone_id) REFERENCES public.vouchers_wifizone(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: vouchers_wifisignupcode vouchers_wifisignupc_zone_id_c7a50087_fk_vouchers_; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.vouchers_wifisignupcode
    ADD CONSTRAINT vouchers_wifisignupc_zone_id_c7a50087_fk_vouchers_ FOREIGN KEY (zone_id) REFERENCES public.vouchers_wifizone(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: vouchers_wifizone vouchers_wifizone_area_id_4e3236ac_fk_customers_area_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.vouchers_wifizone
    ADD CONSTRAINT vouchers_wifizone_area_id_4e3236ac_fk_customers_area_id FOREIGN KEY (area_id) REFERENCES public.customers_area(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: vouchers_wifizone vouchers_wifizone_router_id_164a1211_fk_network_router_id; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.vouchers_wifizone
    ADD CONSTRAINT vouchers_wifizone_router_id_164a1211_fk_network_router_id FOREIGN KEY (router_id) REFERENCES public.network_router(id) DEFERRABLE INITIALLY DEFERRED;


--
-- Name: FUNCTION radius_authorize_rows(p_router_id bigint, p_username text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.radius_authorize_rows(p_router_id bigint, p_username text) FROM PUBLIC;


--
-- Name: FUNCTION radius_authorize_rows(p_router_id bigint, p_username text, p_service text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.radius_authorize_rows(p_router_id bigint, p_username text, p_service text) FROM PUBLIC;


--
-- Name: FUNCTION radius_check_rows(p_router_id bigint, p_username text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.radius_check_rows(p_router_id bigint, p_username text) FROM PUBLIC;


--
-- Name: FUNCTION radius_login_rows(p_router_id bigint, p_username text, p_service text, p_username_hex text, p_mac text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.radius_login_rows(p_router_id bigint, p_username text, p_service text, p_username_hex text, p_mac text) FROM PUBLIC;


--
-- Name: FUNCTION radius_open_sessions(p_router_id bigint, p_username text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.radius_open_sessions(p_router_id bigint, p_username text) FROM PUBLIC;


--
-- Name: FUNCTION radius_reply_rows(p_router_id bigint, p_username text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.radius_reply_rows(p_router_id bigint, p_username text) FROM PUBLIC;


--
-- Name: FUNCTION voucher_account(p_router_id bigint, p_unique_id text, p_username_hex text, p_mac text, p_status text, p_input bigint, p_output bigint); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.voucher_account(p_router_id bigint, p_unique_id text, p_username_hex text, p_mac text, p_status text, p_input bigint, p_output bigint) FROM PUBLIC;


--
-- Name: FUNCTION voucher_authorize_rows(p_router_id bigint, p_username_hex text, p_mac text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.voucher_authorize_rows(p_router_id bigint, p_username_hex text, p_mac text) FROM PUBLIC;


--
-- Name: FUNCTION voucher_card_list(p_card_id bigint); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.voucher_card_list(p_card_id bigint) FROM PUBLIC;


--
-- Name: FUNCTION voucher_card_rate(p_card_id bigint, p_default text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.voucher_card_rate(p_card_id bigint, p_default text) FROM PUBLIC;


--
-- Name: FUNCTION voucher_card_start(p_card_id bigint, p_at timestamp with time zone, p_zone_id bigint, p_device text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.voucher_card_start(p_card_id bigint, p_at timestamp with time zone, p_zone_id bigint, p_device text) FROM PUBLIC;


--
-- Name: FUNCTION voucher_card_verdict(p_card_id bigint, p_now timestamp with time zone, p_device text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.voucher_card_verdict(p_card_id bigint, p_now timestamp with time zone, p_device text) FROM PUBLIC;


--
-- Name: FUNCTION voucher_guessing_locked(p_router_id bigint, p_mac text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.voucher_guessing_locked(p_router_id bigint, p_mac text) FROM PUBLIC;


--
-- Name: FUNCTION voucher_hex_text(p_hex text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.voucher_hex_text(p_hex text) FROM PUBLIC;


--
-- Name: FUNCTION voucher_login_accepted(p_card_id bigint, p_router_id bigint, p_mac text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.voucher_login_accepted(p_card_id bigint, p_router_id bigint, p_mac text) FROM PUBLIC;


--
-- PostgreSQL database dump complete
--


