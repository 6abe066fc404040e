import { Button, Text, View } from '@tarojs/components'
import './ConfirmDialog.scss'

export interface ConfirmDialogProps {
  title: string
  /** Paragraphs of the explanation. */
  lines: string[]
  confirmText: string
  cancelText?: string
  /** A red confirm button, for what cannot be undone. */
  danger?: boolean
  busy?: boolean
  onConfirm(): void
  onCancel(): void
}

/**
 * A confirmation drawn by the page itself rather than Taro.showModal: the same on WeChat and in
 * the browser, with room for more than one paragraph.
 */
export default function ConfirmDialog({ title, lines, confirmText, cancelText = '取消', danger, busy, onConfirm, onCancel }: ConfirmDialogProps) {
  return (
    <View className='confirm-mask' catchMove>
      <View className='confirm-dialog'>
        <Text className='confirm-dialog__title'>{title}</Text>
        <View className='confirm-dialog__body'>
          {lines.map((line) => (
            <Text key={line} className='confirm-dialog__line'>
              {line}
            </Text>
          ))}
        </View>
        <View className='confirm-dialog__actions'>
          <Button className='confirm-cancel' disabled={busy} onClick={onCancel}>
            {cancelText}
          </Button>
          <Button className={`confirm-ok${danger ? ' confirm-ok--danger' : ''}`} loading={busy} disabled={busy} onClick={onConfirm}>
            {confirmText}
          </Button>
        </View>
      </View>
    </View>
  )
}
